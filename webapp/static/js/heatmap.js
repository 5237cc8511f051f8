// A version's diagram with, on each element, how many live instances wait there, how many
// of its work items are late and how many stopped there with an incident.
(function () {
  "use strict";
  var box = document.getElementById("heatmap");
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
  function badge(kind, n) {
    var span = document.createElement("span");
    span.className = "count-badge " + kind;
    span.textContent = String(n);
    return span;
  }
  var viewer = new window.BpmnJS({ container: box });
  Promise.all([get(box.dataset.xmlUrl, "application/xml"), get(box.dataset.countsUrl, "application/json")])
    .then(function (results) {
      return viewer.importXML(results[0]).then(function () { return results[1]; });
    })
    .then(function (counts) {
      var canvas = viewer.get("canvas");
      var overlays = viewer.get("overlays");
      var registry = viewer.get("elementRegistry");
      Object.keys(counts).forEach(function (id) {
        if (!registry.get(id)) { return; }
        var c = counts[id];
        var html = document.createElement("div");
        html.className = "count-badges";
        html.dataset.element = id;
        if (c.running) { html.appendChild(badge("running", c.running)); }
        if (c.late) { html.appendChild(badge("late", c.late)); }
        if (c.incidents) { html.appendChild(badge("incident", c.incidents)); }
        overlays.add(id, "counts", { position: { bottom: 8, left: -8 }, html: html });
        if (c.incidents) { canvas.addMarker(id, "cf-incident"); }
      });
      canvas.zoom("fit-viewport");
      var actions = {
        in: function () { canvas.zoom(canvas.zoom() * 1.25); },
        out: function () { canvas.zoom(canvas.zoom() / 1.25); },
        fit: function () { canvas.zoom("fit-viewport"); }
      };
      document.querySelectorAll("[data-zoom]").forEach(function (button) {
        button.addEventListener("click", function () { actions[button.dataset.zoom](); });
      });
      box.dataset.ready = "true";
    })
    .catch(function (error) { say(box.dataset.failed); box.dataset.error = String(error); });
})();
