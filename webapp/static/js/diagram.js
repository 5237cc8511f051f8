// The case's diagram in the bpmn-js viewer: this task, waiting steps and finished steps marked.
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
      canvas.zoom("fit-viewport");
      box.dataset.ready = "true";
    })
    .catch(function (error) { say(box.dataset.failed); box.dataset.error = String(error); });
})();
