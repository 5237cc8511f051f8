// creditflow: small progressive enhancements; every page works without them.
(function () {
  "use strict";
  // Ask before a button with data-confirm (a destructive or far-reaching action) submits
  // its form; the question names what will happen.
  document.addEventListener("submit", function (event) {
    var button = event.submitter;
    // A form missing a required value goes back with its errors: nothing to confirm yet.
    var missing = Array.prototype.some.call(event.target.elements, function (el) {
      return el.required && !el.disabled && !String(el.value || "").trim();
    });
    if (button && button.dataset.confirm && !missing) {
      if (!window.confirm(button.dataset.confirm)) { event.preventDefault(); }
    }
  });
  // A form whose answer is a file to keep (data-download): fetch it, save it, then show
  // the page again, which now says what was done. Without script the file downloads and
  // the page says to reload it.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (event.defaultPrevented || !form.hasAttribute("data-download") || !window.fetch) {
      return;
    }
    event.preventDefault();
    fetch(form.action, {method: "POST", body: new FormData(form), credentials: "same-origin"})
      .then(function (response) {
        var disposition = response.headers.get("Content-Disposition") || "";
        var named = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(disposition);
        if (!response.ok || !named) { window.location.assign(response.url); return null; }
        return response.blob().then(function (blob) {
          var link = document.createElement("a");
          link.href = URL.createObjectURL(blob);
          link.download = decodeURIComponent(named[1]);
          document.body.appendChild(link);
          link.click();
          link.remove();
          window.location.reload();
        });
      })
      .catch(function () { form.submit(); });
  });
  // A page shown again with errors opens on the first marked field (on a phone it may
  // lie a screen or more below the top), inside a closed section if need be. On "load":
  // the browser's own scroll to the address's #fragment comes first, and takes the focus.
  window.addEventListener("load", function () {
    var field = document.querySelector(".field.has-error");
    if (!field) { return; }
    for (var up = field.parentElement; up; up = up.parentElement) {
      if (up.tagName === "DETAILS") { up.open = true; }
    }
    field.scrollIntoView({block: "center"});
    var input = field.querySelector("input, select, textarea");
    if (input) { input.focus({preventScroll: true}); }
  });
  // Conditional fields (data-show-if-field / -values): shown, and sent, only while the
  // field they depend on has one of the values. Without this every field shows and the
  // server ignores the ones that do not apply. The form editor's preview calls it again.
  function showIf(root) {
    root.querySelectorAll("[data-show-if-field]").forEach(function (input) {
      var form = input.closest("form"), box = input.closest(".field");
      if (!form || !box) { return; }
      var name = input.dataset.showIfField, values = JSON.parse(input.dataset.showIfValues);
      var update = function () {
        var on = Array.prototype.some.call(form.elements, function (el) {
          return el.name === name && !el.disabled && values.indexOf(el.value) >= 0 &&
            ((el.type !== "checkbox" && el.type !== "radio") || el.checked);
        });
        box.hidden = !on;
        box.querySelectorAll("input, select, textarea").forEach(function (el) {
          el.disabled = !on;
        });
      };
      form.addEventListener("change", function (event) {
        if (event.target.name === name) { update(); }
      });
      update();
    });
  }
  window.creditflowShowIf = showIf;
  document.addEventListener("DOMContentLoaded", function () { showIf(document); });
  // A pick list that follows another (data-depends-on="ID"): while select#ID has a value,
  // only the options whose data-items name it are offered. The server checks the same.
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("select[data-depends-on]").forEach(function (select) {
      var leader = document.getElementById(select.dataset.dependsOn);
      if (!leader) { return; }
      var update = function () {
        Array.prototype.forEach.call(select.options, function (option) {
          if (!option.value) { return; }
          var off = Boolean(leader.value) &&
            (option.dataset.items || "").split(" ").indexOf(leader.value) < 0;
          option.hidden = off;
          option.disabled = off;
        });
        var chosen = select.options[select.selectedIndex];
        if (chosen && chosen.disabled) { select.value = ""; }
      };
      leader.addEventListener("change", update);
      update();
    });
    // A search box above a long pick list (data-filter holds its placeholder): typing
    // keeps the options, or the groups, that match.
    document.querySelectorAll("select[data-filter]").forEach(function (select) {
      if (select.options.length < 8) { return; }
      // The select's children in order: options, and groups with their options.
      var children = Array.prototype.map.call(select.children, function (child) {
        var group = child.tagName === "OPTGROUP";
        return {node: child, options: group ? Array.prototype.slice.call(child.children) : [],
                label: group ? child.label.toLowerCase() + " " : ""};
      });
      var box = document.createElement("input");
      box.type = "search";
      box.className = "choice-filter";
      box.placeholder = select.dataset.filter;
      box.setAttribute("aria-label", select.dataset.filter);
      select.parentNode.insertBefore(box, select);
      var shown = "";
      var filter = function () {
        var text = box.value.trim().toLowerCase();
        if (text === shown) { return; }
        shown = text;
        var chosen = select.value;
        var keep = function (option, label) {
          return !option.value || option.value === chosen || !text ||
            (label + option.text.toLowerCase()).indexOf(text) >= 0;
        };
        while (select.firstChild) { select.removeChild(select.firstChild); }
        children.forEach(function (child) {
          if (child.node.tagName !== "OPTGROUP") {
            if (keep(child.node, "")) { select.appendChild(child.node); }
            return;
          }
          while (child.node.firstChild) { child.node.removeChild(child.node.firstChild); }
          child.options.forEach(function (option) {
            if (keep(option, child.label)) { child.node.appendChild(option); }
          });
          if (child.node.children.length) { select.appendChild(child.node); }
        });
        select.value = chosen;
      };
      box.addEventListener("input", filter);
      // A composed (IME) text is in the box only after its composition ends.
      box.addEventListener("compositionend", function () { window.setTimeout(filter, 0); });
    });
  });
  // Disable a form's submit buttons once it is sent, so a double tap sends it once.
  document.addEventListener("submit", function (event) {
    if (event.defaultPrevented) { return; }
    var form = event.target;
    window.setTimeout(function () {
      form.querySelectorAll("button[type=submit]").forEach(function (b) { b.disabled = true; });
    }, 0);
  });
})();
