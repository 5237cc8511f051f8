// The case's diagram in bpmn-js's navigated viewer (drag to pan, wheel or buttons to zoom):
// this task, waiting steps and finished steps marked. A narrow screen opens on this task
// at a readable scale; a wide one on the whole diagram.
(function () {
  "use strict";
  var box = document.getElementById("diagram");
  if (!box) { return; }
  function say(text) {
    box.textContent = "";
    var p = document.createElement("p");
    p.className = "message";
    p.textContent = text;
    box.appendChild(p);
  }
  if (typeof window.BpmnJS !== "function") { say(box.dataset.missing); return; }
  function get(url, type) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: type } }).then(function (r) {
      if (!r.ok) { throw new Error(url + ": " + r.status); }
      return type === "application/json" ? r.json() : r.text();
    });
  }
  var viewer = new window.BpmnJS({ container: box });
  Promise.all([get(box.dataset.xmlUrl, "application/xml"), get(box.dataset.statesUrl, "application/json")])
    .then(function (results) {
      return viewer.importXML(results[0]).then(function () { return results[1]; });
    })
    .then(function (states) {
      var canvas = viewer.get("canvas");
      var registry = viewer.get("elementRegistry");
      function mark(id, marker) { if (registry.get(id)) { canvas.addMarker(id, marker); } }
      states.completed.forEach(function (id) { mark(id, "cf-done"); });
      states.active.forEach(function (id) { mark(id, "cf-active"); });
      mark(states.current, "cf-current");
      var current = registry.get(states.current);
      function onTask() {
        canvas.zoom(1);
        if (current) { canvas.scrollToElement(current); }
      }
      if (box.clientWidth < 600 && current) { onTask(); } else { canvas.zoom("fit-viewport"); }
      var actions = {
        in: function () { canvas.zoom(canvas.zoom() * 1.25); },
        out: function () { canvas.zoom(canvas.zoom() / 1.25); },
        fit: function () { canvas.zoom("fit-viewport"); },
        task: onTask
      };
      document.querySelectorAll("[data-zoom]").forEach(function (button) {
        button.addEventListener("click", function () { actions[button.dataset.zoom](); });
      });
      box.dataset.ready = "true";
    })
    .catch(function (error) { say(box.dataset.failed); box.dataset.error = String(error); });
})();
