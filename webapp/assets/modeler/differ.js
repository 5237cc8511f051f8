import NavigatedViewer from "bpmn-js/lib/NavigatedViewer";
import { diff } from "bpmn-js-differ";

function text(url) {
  return fetch(url, { credentials: "same-origin", headers: { Accept: "application/xml" } })
    .then((r) => { if (!r.ok) { throw new Error(`${url}: ${r.status}`); } return r.text(); });
}

export function startDiffer(box) {
  const older = new NavigatedViewer({ container: box.querySelector("#diff-older") });
  const newer = new NavigatedViewer({ container: box.querySelector("#diff-newer") });
  Promise.all([text(box.dataset.olderUrl), text(box.dataset.newerUrl)])
    .then(([a, b]) => older.importXML(a).then(() => newer.importXML(b)))
    .then(() => {
      const changes = diff(older.getDefinitions(), newer.getDefinitions());
      const list = document.getElementById("diff-list");
      const rows = [];
      const mark = (viewer, id, marker) => {
        if (viewer.get("elementRegistry").get(id)) { viewer.get("canvas").addMarker(id, marker); }
      };
      const name = (element) => (element && (element.name || element.id)) || "";
      Object.entries(changes._added).forEach(([id, el]) => { mark(newer, id, "diff-added"); rows.push(["added", id, name(el)]); });
      Object.entries(changes._removed).forEach(([id, el]) => { mark(older, id, "diff-removed"); rows.push(["removed", id, name(el)]); });
      Object.entries(changes._changed).forEach(([id, change]) => {
        mark(older, id, "diff-changed"); mark(newer, id, "diff-changed");
        rows.push(["changed", id, `${name(change.model)} (${Object.keys(change.attrs).join(", ")})`]);
      });
      Object.entries(changes._layoutChanged).forEach(([id, el]) => {
        if (changes._changed[id] || changes._added[id] || changes._removed[id]) { return; }
        mark(older, id, "diff-moved"); mark(newer, id, "diff-moved");
        rows.push(["moved", id, name(el)]);
      });
      rows.forEach(([kind, id, label]) => {
        const item = document.createElement("li");
        item.className = `diff-${kind}`;
        item.dataset.element = id;
        item.textContent = `${box.dataset[`l${kind[0].toUpperCase()}${kind.slice(1)}`]}: ${label}`;
        list.appendChild(item);
      });
      if (!rows.length) {
        const item = document.createElement("li");
        item.textContent = box.dataset.lSame;
        list.appendChild(item);
      }
      older.get("canvas").zoom("fit-viewport");
      newer.get("canvas").zoom("fit-viewport");
      box.dataset.ready = "true";
    })
    .catch((error) => { box.dataset.error = String(error); list(box.dataset.failed); });
  function list(message) {
    const item = document.createElement("li");
    item.textContent = message;
    document.getElementById("diff-list").appendChild(item);
  }
}
