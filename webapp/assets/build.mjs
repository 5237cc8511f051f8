// Copies the front-end libraries from node_modules into webapp/static/vendor (git-ignored).
// The app serves them itself: no CDN, and it works with no internet.
import { cpSync, existsSync, mkdirSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const vendor = join(root, "webapp", "static", "vendor");
const copies = [
  ["bpmn-js/dist/bpmn-navigated-viewer.production.min.js",
   "bpmn-js/bpmn-navigated-viewer.production.min.js"],
  ["bpmn-js/dist/assets/diagram-js.css", "bpmn-js/diagram-js.css"],
  ["bpmn-js/dist/assets/bpmn-js.css", "bpmn-js/bpmn-js.css"],
  ["bpmn-js/LICENSE", "bpmn-js/LICENSE"],
  // The monitor's charts: the "common" build (bar, line, pie; grid, tooltip, legend), a third
  // of the full one.
  ["echarts/dist/echarts.common.min.js", "echarts/echarts.common.min.js"],
  ["echarts/LICENSE", "echarts/LICENSE"],
];

for (const library of ["bpmn-js", "echarts", "modeler"]) {
  rmSync(join(vendor, library), { recursive: true, force: true });
}
for (const [from, to] of copies) {
  const source = join(root, "node_modules", from);
  if (!existsSync(source)) {
    console.error(`missing ${source}: run npm ci first`);
    process.exit(1);
  }
  mkdirSync(dirname(join(vendor, to)), { recursive: true });
  cpSync(source, join(vendor, to));
  console.log(`vendor/${to}`);
}

// The modeler: one ESM entry of ours (bpmn-js Modeler, properties panel, bpmnlint with our
// rules, token simulation, differ) bundled into one script and one stylesheet.
const modeler = join(root, "webapp", "assets", "modeler");
await build({
  entryPoints: { modeler: join(modeler, "index.js") },
  bundle: true, minify: true, format: "iife", target: ["es2020"], outdir: join(vendor, "modeler"),
  legalComments: "linked", logLevel: "warning",
});
await build({
  entryPoints: { modeler: join(modeler, "modeler.css") },
  bundle: true, minify: true, outdir: join(vendor, "modeler"),
  loader: { ".woff": "file", ".woff2": "file", ".ttf": "file", ".eot": "file", ".svg": "file" },
  logLevel: "warning",
});
console.log("vendor/modeler/modeler.js, vendor/modeler/modeler.css");
