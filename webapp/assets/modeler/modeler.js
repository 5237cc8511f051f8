import Modeler from "bpmn-js/lib/Modeler";
import { BpmnPropertiesPanelModule, BpmnPropertiesProviderModule } from "bpmn-js-properties-panel";
import lintModule from "bpmn-js-bpmnlint";
import TokenSimulationModule from "bpmn-js-token-simulation";
import spiffworkflow from "./spiffworkflow.json";
import { panelModule } from "./panel.js";
import { lintConfig } from "./lint.js";
import { bilingual } from "./model.js";

/** The part of a bilingual name ("处理退回 Handle the returned case") in the page's language. */
function localName(name, english) {
  const { zh, en } = bilingual(name);
  return (english ? en : zh) || zh || en;
}

/** bpmn-js's own words in the page's language (from the server's catalog). */
function translateModule(words) {
  const translate = (template, replacements) => {
    const text = (words && words[template]) || template;
    return text.replace(/{([^}]+)}/g, (_m, key) => ((replacements || {})[key] ?? `{${key}}`));
  };
  return { translate: ["value", translate] };
}

function csrf() {
  const meta = document.querySelector('meta[name="csrf-token"]');
  return meta ? meta.content : "";
}

function post(url, body) {
  return fetch(url, {
    method: "POST", credentials: "same-origin",
    headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrf() },
    body: JSON.stringify(body),
  }).then((r) => r.json().catch(() => ({})).then((data) => ({ ok: r.ok, status: r.status, data })));
}

function get(url, type) {
  return fetch(url, { credentials: "same-origin", headers: { Accept: type } }).then((r) => {
    if (!r.ok) { throw new Error(`${url}: ${r.status}`); }
    return type === "application/json" ? r.json() : r.text();
  });
}

export function startModeler(box) {
  const status = box.querySelector("#modeler-status");
  const say = (text, kind) => { status.textContent = text; status.dataset.kind = kind || ""; };
  let key = null;
  Promise.all([get(box.dataset.metaUrl, "application/json"), get(box.dataset.xmlUrl, "application/xml")])
    .then(([meta, xml]) => {
      meta.check = (source, kind) => post(box.dataset.checkUrl, { source, kind })
        .then((r) => (r.ok ? r.data.problem : null));
      meta.english = document.documentElement.lang.startsWith("en");
      const modeler = new Modeler({
        container: box.querySelector("#canvas"),
        propertiesPanel: { parent: box.querySelector("#properties") },
        additionalModules: [BpmnPropertiesPanelModule, BpmnPropertiesProviderModule,
          panelModule(meta), lintModule, TokenSimulationModule, translateModule(meta.words)],
        moddleExtensions: { spiffworkflow },
        linting: { bpmnlint: lintConfig(meta), active: true },
      });
      window.creditflowModeler = modeler;  // for the browser tests and the console
      return modeler.importXML(xml).then(() => wire(box, modeler, meta, say));
    })
    .catch((error) => { say(box.dataset.failed, "error"); box.dataset.error = String(error); });

  function wire(root, modeler, meta, sayIt) {
    const L = meta.labels;
    const canvas = modeler.get("canvas");
    canvas.zoom("fit-viewport");
    const definitions = modeler.getDefinitions();
    const process = (definitions.rootElements || []).find((e) => e.$type === "bpmn:Process" && e.isExecutable);
    key = process ? process.id : null;
    const linting = modeler.get("linting");
    const eventBus = modeler.get("eventBus");
    const lintStatus = root.querySelector("#lint-status");
    eventBus.on("linting.completed", ({ issues }) => {
      let errors = 0; let warnings = 0;
      Object.values(issues || {}).forEach((list) => list.forEach((i) => {
        if (i.category === "error") { errors += 1; } else { warnings += 1; }
      }));
      lintStatus.textContent = L.lintCount.replace("%e", errors).replace("%w", warnings);
      lintStatus.dataset.errors = String(errors);
    });
    if (linting.isActive()) { linting.update(); } else { linting.toggle(true); }
    let dirty = false;
    eventBus.on("commandStack.changed", () => { dirty = true; clearProblems(); });
    window.addEventListener("beforeunload", (event) => { if (dirty) { event.preventDefault(); } });

    // One draft per process: the server refuses to replace a draft someone saved since
    // this page opened its own (`base`), and says who and when; replacing it is asked for.
    let base = root.dataset.base || null;
    const send = (xml, replace) => post(root.dataset.saveUrl, { xml, base, replace })
      .then((r) => {
        if (r.status === 409 && r.data.conflict && !replace) {
          if (window.confirm(`${r.data.error}\n${r.data.ask}`)) { return send(xml, true); }
          sayIt(r.data.error, "error");
          throw Object.assign(new Error(r.data.error), { shown: true });
        }
        return r;
      });
    const save = () => modeler.saveXML({ format: true })
      .then(({ xml }) => send(xml, false))
      .then((r) => {
        if (!r.ok) { throw new Error(r.data.error || String(r.status)); }
        dirty = false;
        base = r.data.saved_at;
        if (r.data.key !== key || !location.pathname.endsWith("/edit")) {
          key = r.data.key;
          history.replaceState(null, "", r.data.edit_url);
        }
        sayIt(L.saved.replace("%s", r.data.saved_at.slice(0, 16).replace("T", " ")), "ok");
        return r.data;
      });
    root.querySelector("#save-draft").addEventListener("click", () => {
      save().catch((error) => { if (!error.shown) { sayIt(`${L.notSaved} ${error.message}`, "error"); } });
    });

    const comment = root.querySelector("#deploy-comment");
    const deployButton = root.querySelector("#deploy");
    deployButton.addEventListener("click", () => {
      if (!comment.value.trim()) { sayIt(L.commentRequired, "error"); comment.focus(); return; }
      if (!window.confirm(deployButton.dataset.confirm)) { return; }
      save().then((saved) => post(root.dataset.deployUrl.replace("__KEY__", saved.key),
        { comment: comment.value }))
        .then((r) => {
          if (r.ok) {
            dirty = false;
            location.assign(`${root.dataset.listUrl}#process-${r.data.key}`);
            return;
          }
          sayIt(r.data.error || L.refusedDeploy, "error");
          showProblems(r.data.problems || []);
        })
        .catch((error) => { if (!error.shown) { sayIt(`${L.notSaved} ${error.message}`, "error"); } });
    });

    const simulation = root.querySelector("#toggle-simulation");
    simulation.addEventListener("click", () => modeler.get("toggleMode").toggleMode());
    eventBus.on("tokenSimulation.toggleMode", ({ active }) => {
      simulation.setAttribute("aria-pressed", String(active));
      simulation.classList.toggle("active", active);
    });

    const overlays = modeler.get("overlays");
    const registry = modeler.get("elementRegistry");
    const card = root.querySelector("#problems-card");
    const list = root.querySelector("#problems");
    let marked = [];
    function clearProblems() {
      overlays.remove({ type: "cf-problem" });
      marked.forEach((id) => { if (registry.get(id)) { canvas.removeMarker(id, "cf-problem"); } });
      marked = [];
    }
    /** Each refused element marked, with its problems in the page's language on its badge
     * and in the list (a technical detail, the sandbox's or the parser's, quoted apart). */
    function showProblems(problems) {
      clearProblems();
      list.textContent = "";
      const badges = {};
      problems.forEach((p) => {
        const element = p.element && registry.get(p.element);
        const item = document.createElement("li");
        item.dataset.element = p.element || "";
        item.dataset.code = p.code || "";
        const where = element ? localName(element.businessObject.name, meta.english) || element.id
          : (p.element || p.file);
        const text = `${where}: ${p.message}`;
        if (element) {
          const link = document.createElement("button");
          link.type = "button"; link.className = "link"; link.textContent = text;
          link.addEventListener("click", () => {
            modeler.get("selection").select(element);
            canvas.scrollToElement(element);
          });
          item.appendChild(link);
          if (!badges[element.id]) {
            marked.push(element.id);
            canvas.addMarker(element.id, "cf-problem");
            const badge = document.createElement("div");
            badge.className = "cf-problem-badge"; badge.textContent = "!";
            badge.dataset.element = element.id;
            overlays.add(element.id, "cf-problem", { position: { top: -10, right: 10 }, html: badge });
            badges[element.id] = badge;
          }
          const badge = badges[element.id];
          badge.title = badge.title ? `${badge.title}\n${p.message}` : p.message;
          badge.setAttribute("aria-label", badge.title);
        } else {
          item.textContent = text;
        }
        if (p.detail) {
          const detail = document.createElement("code");
          detail.className = "problem-detail"; detail.lang = "en"; detail.textContent = p.detail;
          item.appendChild(detail);
        }
        list.appendChild(item);
      });
      card.hidden = problems.length === 0;
      if (problems.length) { card.scrollIntoView({ block: "nearest" }); }
    }
    root.dataset.ready = "true";
  }
}
