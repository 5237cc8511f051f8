// The form editor: add, remove and move fields, and a live preview that the server draws
// with the macro of task forms as one types. Without script the page still saves, and a
// blank last field adds one.
(function () {
  "use strict";
  var editor = document.getElementById("form-editor");
  var preview = document.getElementById("form-preview");
  var rows = document.getElementById("field-rows");
  var template = document.getElementById("row-template");
  if (!editor || !preview || !rows || !template) { return; }
  var next = Number(editor.dataset.nextRow);
  var timer = null, asked = 0;

  function renumber() {
    rows.querySelectorAll(".form-row").forEach(function (row, index) {
      var legend = row.querySelector("legend");
      legend.textContent = editor.dataset.fieldWord.replace("#", String(index + 1));
    });
  }
  function tools(root) {
    root.querySelectorAll(".row-tools").forEach(function (p) { p.hidden = false; });
  }
  function refresh() {
    var mine = ++asked;
    fetch(editor.dataset.previewUrl, {method: "POST", body: new FormData(editor),
                                      credentials: "same-origin"})
      .then(function (response) { return response.text(); })
      .then(function (html) {
        if (mine !== asked) { return; }
        preview.innerHTML = html;
        if (window.creditflowShowIf) { window.creditflowShowIf(preview); }
      })
      .catch(function () { /* the preview waits for the next change */ });
  }
  function later() {
    window.clearTimeout(timer);
    timer = window.setTimeout(refresh, 350);
  }

  // The blank last field stands for "add a field" without script; with it, the button does.
  var last = rows.lastElementChild;
  if (last && !Array.prototype.some.call(last.querySelectorAll("input, textarea"),
                                         function (el) {
                                           return el.type === "checkbox" ? el.checked
                                             : el.value.trim();
                                         })) {
    last.remove();
    var help = document.getElementById("blank-row-help");
    if (help) { help.hidden = true; }
  }
  tools(rows);
  var add = document.getElementById("add-field");
  add.hidden = false;
  add.addEventListener("click", function () {
    var html = template.innerHTML.replace(/__N__/g, String(next++));
    rows.insertAdjacentHTML("beforeend", html);
    var row = rows.lastElementChild;
    tools(row);
    choices(row);
    renumber();
    row.querySelector("input").focus();
  });
  rows.addEventListener("click", function (event) {
    var button = event.target.closest("button");
    var row = button && button.closest(".form-row");
    if (!row) { return; }
    if (button.hasAttribute("data-remove")) {
      row.remove();
    } else if (button.dataset.move === "up" && row.previousElementSibling) {
      rows.insertBefore(row, row.previousElementSibling);
    } else if (button.dataset.move === "down" && row.nextElementSibling) {
      rows.insertBefore(row.nextElementSibling, row);
    } else {
      return;
    }
    renumber();
    button.focus();
    later();
  });
  // Choices matter only to choice fields: the others do not show them (what was typed stays).
  function choices(row) {
    var kind = row.querySelector("select[name$='-type']");
    var box = row.querySelector("textarea[name$='-choices']");
    if (kind && box) {
      box.closest(".field").hidden = ["select", "multiselect"].indexOf(kind.value) < 0;
    }
  }
  rows.querySelectorAll(".form-row").forEach(choices);
  rows.addEventListener("change", function (event) {
    var row = event.target.closest(".form-row");
    if (row && event.target.name && /-type$/.test(event.target.name)) { choices(row); }
  });
  editor.addEventListener("input", later);
  editor.addEventListener("change", later);
  preview.addEventListener("submit", function (event) { event.preventDefault(); });
})();
