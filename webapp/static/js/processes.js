// A deployed version's diagram in bpmn-js's navigated viewer (drag to pan, zoom buttons);
// on the modeler and comparison pages, a word when their bundle is not built.
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
  if (!box) { return; }
  function say(text) {
    box.textContent = "";
    var p = document.createElement("p");
    p.className = "message";
    p.textContent = text;
    box.appendChild(p);
  }
  if (typeof window.BpmnJS !== "function") { say(box.dataset.missing); return; }
  var viewer = new window.BpmnJS({ container: box });
  fetch(box.dataset.xmlUrl, { credentials: "same-origin", headers: { Accept: "application/xml" } })
    .then(function (r) { if (!r.ok) { throw new Error(String(r.status)); } return r.text(); })
    .then(function (xml) { return viewer.importXML(xml); })
    .then(function () {
      var canvas = viewer.get("canvas");
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
