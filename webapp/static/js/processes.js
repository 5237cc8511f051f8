// A deployed version's diagram (after diagram.js); on the modeler and comparison pages, a
// word when their bundle is not built.
(function () {
  "use strict";
  // The modeler and the comparison come in the built bundle: without it, say so.
  ["modeler", "differ"].forEach(function (id) {
    var page = document.getElementById(id);
    if (page && !window.creditflowModelerBundle) {
      var p = document.createElement("p");
      p.className = "flash flash-error";
      p.textContent = page.dataset.missing;
      page.parentNode.insertBefore(p, page);
    }
  });
  var box = document.getElementById("version-diagram");
  if (!box || !window.creditflowDiagram) { return; }
  window.creditflowDiagram.show(box, null, function (viewer) {
    viewer.get("canvas").zoom("fit-viewport");
  });
})();
