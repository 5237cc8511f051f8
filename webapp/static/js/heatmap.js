// A version's diagram with, on each element, how many live instances wait there, how many
// of its work items are late and how many stopped there with an incident (after diagram.js).
(function () {
  "use strict";
  var box = document.getElementById("heatmap");
  if (!box || !window.creditflowDiagram) { return; }
  function badge(kind, n) {
    var span = document.createElement("span");
    span.className = "count-badge " + kind;
    span.textContent = String(n);
    return span;
  }
  // The element's name as the table below gives it, in the page's language.
  function nameOf(id) {
    var rows = document.querySelectorAll("#element-counts tr[data-element]");
    for (var i = 0; i < rows.length; i++) {
      if (rows[i].dataset.element === id) {
        var name = rows[i].querySelector(".element-name");
        return name ? name.textContent : id;
      }
    }
    return id;
  }
  window.creditflowDiagram.show(box, box.dataset.countsUrl, function (viewer, counts) {
    var canvas = viewer.get("canvas");
    var overlays = viewer.get("overlays");
    var registry = viewer.get("elementRegistry");
    Object.keys(counts).forEach(function (id) {
      if (!registry.get(id)) { return; }
      var c = counts[id];
      var html = document.createElement("div");
      html.className = "count-badges";
      html.dataset.element = id;
      html.title = nameOf(id);
      if (c.running) { html.appendChild(badge("running", c.running)); }
      if (c.late) { html.appendChild(badge("late", c.late)); }
      if (c.incidents) { html.appendChild(badge("incident", c.incidents)); }
      overlays.add(id, "counts", { position: { bottom: 8, left: -8 }, html: html });
      if (c.incidents) { canvas.addMarker(id, "cf-incident"); }
    });
    canvas.zoom("fit-viewport");
  });
})();
