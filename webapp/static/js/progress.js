// creditflow: the progress of a registry check or import, polled while it runs.
(function () {
  "use strict";
  var box = document.getElementById("status");
  if (!box || !box.dataset.progressUrl) { return; }
  var bar = document.getElementById("progress");
  var count = document.getElementById("progress-count");
  var stage = document.getElementById("stage-label");
  function show(p) {
    if (bar) {
      if (p.percent === null) { bar.removeAttribute("value"); } else { bar.value = p.percent; }
    }
    if (count) { count.textContent = p.done + (p.total ? " / " + p.total : ""); }
    if (stage) { stage.textContent = p.stage_label; }
  }
  function poll() {
    fetch(box.dataset.progressUrl, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
      .then(function (p) {
        if (!p.running) { window.location.reload(); return; }
        show(p);
        window.setTimeout(poll, 1000);
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 500);
})();
