"""Front-end libraries come from npm with a lockfile, are served by the app, never from a CDN."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
VENDOR = ROOT / "webapp" / "static" / "vendor" / "bpmn-js"


def test_bpmn_js_is_a_locked_npm_dependency():
    package = json.loads((ROOT / "package.json").read_text())
    lock = json.loads((ROOT / "package-lock.json").read_text())
    assert "bpmn-js" in package["dependencies"]
    assert "node_modules/bpmn-js" in lock["packages"]
    assert package["scripts"]["build"]


def test_no_page_loads_anything_from_another_site():
    for template in (ROOT / "webapp" / "templates").rglob("*.html"):
        text = template.read_text(encoding="utf-8")
        assert not re.search(r'(src|href)="(https?:)?//', text), template


@pytest.mark.skipif(not VENDOR.exists(), reason="front-end assets not built (make assets)")
def test_the_app_serves_the_built_viewer(login, case):
    officer = login("chen")
    page = officer.get(f"/tasks/{case.id}").get_data(as_text=True)
    for name in ("bpmn-navigated-viewer.production.min.js", "diagram-js.css", "bpmn-js.css"):
        url = f"/static/vendor/bpmn-js/{name}"
        assert url in page
        assert officer.get(url).status_code == 200


ECHARTS = ROOT / "webapp" / "static" / "vendor" / "echarts"


def test_echarts_is_a_locked_npm_dependency():
    package = json.loads((ROOT / "package.json").read_text())
    lock = json.loads((ROOT / "package-lock.json").read_text())
    assert "echarts" in package["dependencies"]
    assert "node_modules/echarts" in lock["packages"]


@pytest.mark.skipif(not ECHARTS.exists(), reason="front-end assets not built (make assets)")
def test_the_monitor_serves_its_own_charts(login):
    supervisor = login("wang")
    url = "/static/vendor/echarts/echarts.common.min.js"
    assert url in supervisor.get("/monitor/").get_data(as_text=True)
    assert supervisor.get(url).status_code == 200


MODELER = ROOT / "webapp" / "static" / "vendor" / "modeler"
MODELER_PACKAGES = ("bpmn-js", "bpmn-js-properties-panel", "@bpmn-io/properties-panel",
                    "bpmnlint", "bpmn-js-bpmnlint", "bpmn-js-differ",
                    "bpmn-js-token-simulation", "esbuild")


def test_the_modeler_libraries_are_locked_npm_dependencies():
    package = json.loads((ROOT / "package.json").read_text())
    lock = json.loads((ROOT / "package-lock.json").read_text())
    for name in MODELER_PACKAGES:
        assert name in package["dependencies"], name
        assert f"node_modules/{name}" in lock["packages"], name


@pytest.mark.skipif(not MODELER.exists(), reason="front-end assets not built (make assets)")
def test_the_modeler_is_one_bundle_served_by_the_app(login):
    admin = login("admin")
    page = admin.get("/processes/sample_review/edit").get_data(as_text=True)
    for url in ("/static/vendor/modeler/modeler.js", "/static/vendor/modeler/modeler.css"):
        assert url in page
        assert admin.get(url).status_code == 200
    bundle = (MODELER / "modeler.js").read_text(encoding="utf-8")
    assert "import(" not in bundle and "https://unpkg" not in bundle  # nothing fetched later


def test_the_diagram_helpers_are_written_once():
    """Opening a diagram, fetching its data, saying what failed and zooming live in
    diagram.js; the pages that show a diagram (heat map, versions) use them from there."""
    scripts = {path.name: path.read_text(encoding="utf-8")
               for path in (ROOT / "webapp" / "static" / "js").glob("*.js")}
    for helper in ("new window.BpmnJS(", "function say(", "function get(",
                   'querySelectorAll("[data-zoom]")', "canvas.zoom(canvas.zoom() * 1.25)"):
        holders = sorted(name for name, text in scripts.items() if helper in text)
        assert holders == ["diagram.js"], (helper, holders)
    for page in ("operations/version.html", "processes/version.html"):
        text = (ROOT / "webapp" / "templates" / page).read_text(encoding="utf-8")
        assert '{% include "tasks/_diagram_scripts.html" %}' in text, page
