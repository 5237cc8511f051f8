"""The shipped diagrams read well: no timer's or signal's label lies on the task it is
attached to (bpmn-js puts a label without bounds just below its event)."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

BPMN = Path(__file__).resolve().parents[2] / "bpmn"
NS = {"bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL",
      "bpmndi": "http://www.omg.org/spec/BPMN/20100524/DI",
      "dc": "http://www.omg.org/spec/DD/20100524/DC"}
Box = tuple[float, float, float, float]  # x, y, width, height


def bounds(element: etree._Element) -> Box:
    return tuple(float(element.get(k)) for k in ("x", "y", "width", "height"))  # type: ignore[return-value]


def overlap(a: Box, b: Box) -> bool:
    return a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]


@pytest.mark.parametrize("path", sorted(p for p in BPMN.glob("*.bpmn")
                                         if b"boundaryEvent" in p.read_bytes()),
                         ids=lambda p: p.name)
def test_boundary_event_labels_keep_off_their_tasks(path):
    root = etree.parse(str(path)).getroot()
    shapes = {s.get("bpmnElement"): s for s in root.iterfind(".//bpmndi:BPMNShape", NS)}
    checked = 0
    for event in root.iterfind(".//bpmn:boundaryEvent", NS):
        if not event.get("name"):
            continue
        shape = shapes[event.get("id")]
        box = bounds(shape.find("dc:Bounds", NS))
        label = shape.find("bpmndi:BPMNLabel/dc:Bounds", NS)
        text = bounds(label) if label is not None else (
            box[0] + box[2] / 2 - 45, box[1] + box[3] + 5, 90, 27)  # bpmn-js's default
        task = bounds(shapes[event.get("attachedToRef")].find("dc:Bounds", NS))
        assert not overlap(text, task), f"{path.name}: the label of {event.get('id')} " \
                                        "covers its task's name"
        checked += 1
    assert checked, "the diagram has named boundary events"
