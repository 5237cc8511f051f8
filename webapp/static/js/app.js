// creditflow: small progressive enhancements; every page works without them.
(function () {
  "use strict";
  // Ask before a destructive button (class "danger") submits its form.
  document.addEventListener("submit", function (event) {
    var button = event.submitter;
    if (button && button.classList.contains("danger") && button.dataset.confirm) {
      if (!window.confirm(button.dataset.confirm)) { event.preventDefault(); }
    }
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
