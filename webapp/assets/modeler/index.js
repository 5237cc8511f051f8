// The modeler page (bpmn-js Modeler with our properties panel, live lint, token
// simulation, save draft and deploy) and the page comparing two versions (bpmn-js-differ).
// Bundled by esbuild into static/vendor/modeler/modeler.js: no CDN, no inline script.
import { startModeler } from "./modeler.js";
import { startDiffer } from "./differ.js";

window.creditflowModelerBundle = true;
const modeler = document.getElementById("modeler");
if (modeler) { startModeler(modeler); }
const differ = document.getElementById("differ");
if (differ) { startDiffer(differ); }
