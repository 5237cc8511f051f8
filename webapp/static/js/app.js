// creditflow: small progressive enhancements; every page works without them.
(function () {
  "use strict";
  // Ask before a button with data-confirm (a destructive or far-reaching action) submits
  // its form; the question names what will happen.
  document.addEventListener("submit", function (event) {
    var button = event.submitter;
    if (button && button.dataset.confirm) {
      if (!window.confirm(button.dataset.confirm)) { event.preventDefault(); }
    }
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
  // server ignores the ones that do not apply.
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-show-if-field]").forEach(function (input) {
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
