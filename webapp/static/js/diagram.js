// Diagrams in bpmn-js's navigated viewer (drag to pan, wheel or buttons to zoom), for every
// page that shows one: `window.creditflowDiagram.show` opens a box's diagram, draws on it
// and wires the zoom buttons; heatmap.js and processes.js use it. On a case's page (#diagram)
// it marks this task, waiting steps and finished steps: a narrow screen opens on this task
// at a readable scale, a wide one on the whole diagram.
(function () {
  "use strict";
  function say(box, text) {
    box.textContent = "";
    var p = document.createElement("p");
    p.className = "message";
    p.textContent = text;
    box.appendChild(p);
  }
  function get(url, type) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: type } }).then(function (r) {
      if (!r.ok) { throw new Error(url + ": " + r.status); }
      return type === "application/json" ? r.json() : r.text();
    });
  }
  function zoomButtons(canvas, extra) {
    var actions = {
      in: function () { canvas.zoom(canvas.zoom() * 1.25); },
      out: function () { canvas.zoom(canvas.zoom() / 1.25); },
      fit: function () { canvas.zoom("fit-viewport"); }
    };
    Object.keys(extra || {}).forEach(function (name) { actions[name] = extra[name]; });
    document.querySelectorAll("[data-zoom]").forEach(function (button) {
      button.addEventListener("click", function () { actions[button.dataset.zoom](); });
    });
  }
  /** The diagram at box.dataset.xmlUrl in a viewer, with the JSON at `dataUrl` (if any)
   * given to `draw(viewer, data)`, which may return more zoom actions by name. Without the
   * viewer, or on an error, the box says so (data-missing, data-failed). */
  function show(box, dataUrl, draw) {
    if (typeof window.BpmnJS !== "function") { say(box, box.dataset.missing); return; }
    var viewer = new window.BpmnJS({ container: box });
    Promise.all([get(box.dataset.xmlUrl, "application/xml"),
      dataUrl ? get(dataUrl, "application/json") : null])
      .then(function (results) {
        return viewer.importXML(results[0]).then(function () { return results[1]; });
      })
      .then(function (data) {
        zoomButtons(viewer.get("canvas"), draw(viewer, data));
        box.dataset.ready = "true";
      })
      .catch(function (error) { say(box, box.dataset.failed); box.dataset.error = String(error); });
  }
  window.creditflowDiagram = { show: show };

  var box = document.getElementById("diagram");
  if (!box) { return; }
  show(box, box.dataset.statesUrl, function (viewer, states) {
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
    return { task: onTask };
  });
})();
