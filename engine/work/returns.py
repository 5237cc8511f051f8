"""Returning a task (退回): where a diagram allows it, with a reason code and a note.

A task may be returned when the first gateway after it (past any intermediate
events) has an outgoing flow named as a return ("退回", "return", "reject").
Returning completes the task with the form value that takes that flow, plus
`return_reason` and `return_note`. The reason codes are the choices of the form's
own `return_reason` field when it has one, else REASON_CODES; the form is the version the
case's process version was deployed with (`forms.form_for`), so a form edited since changes
the reasons of new cases only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree
from sqlalchemy.orm import Session

from engine.models import WorkItem
from engine.runtime.forms import FormDefinition, form_for
from engine.workflow.xml import BPMN_NS, parse_xml

# Reason codes of a return (DOMAIN: 双告知 returns), plus "other".
REASON_CODES = ("0", "1", "2", "9")
RETURN_WORDS = frozenset({"退回", "return", "returned", "reject", "rejected"})
_EQUALS = re.compile(r"""^\s*([A-Za-z_]\w*)\s*==\s*["']([^"']+)["']\s*$""")
_NS = {"bpmn": BPMN_NS}


# Nodes a path may pass on its way from the task to the deciding gateway.
PASS_THROUGH = ("intermediateThrowEvent", "intermediateCatchEvent")
MAX_HOPS = 5


@dataclass(frozen=True)
class ReturnRoute:
    """The form field and value that send a task down its return flow, and the reasons."""

    field: str
    value: str
    reasons: tuple[str, ...] = REASON_CODES


# By the process version's content (its files and pinned forms), the task and its form.
_cache: dict[tuple[str, str, FormDefinition | None], ReturnRoute | None] = {}


def return_route(session: Session, item: WorkItem) -> ReturnRoute | None:
    """How `item` is returned, or None when its diagram has no return after it."""
    definition = item.instance.definition
    form = form_for(session, item.form_key, definition.id) if item.form_key else None
    key = (definition.sha256, item.task_name, form)
    if key not in _cache:
        if len(_cache) > 1024:
            _cache.clear()
        _cache[key] = _with_reasons(_find_route(definition.bpmn_xml, item.task_name, form),
                                    form)
    return _cache[key]


def _find_route(xml: str, task_id: str, form: FormDefinition | None) -> ReturnRoute | None:
    root = parse_xml(xml)
    flows = root.findall(".//bpmn:sequenceFlow", _NS)
    nodes = {node.get("id"): node for node in root.iter() if node.get("id")}
    for flow in (f for f in flows if f.get("sourceRef") == task_id):
        target = nodes.get(flow.get("targetRef"))
        for _hop in range(MAX_HOPS):
            if target is None or etree.QName(target).localname not in PASS_THROUGH:
                break
            onward = [f for f in flows if f.get("sourceRef") == target.get("id")]
            target = nodes.get(onward[0].get("targetRef")) if len(onward) == 1 else None
        if target is not None and etree.QName(target).localname == "exclusiveGateway":
            route = _route_through(target, flows, form)
            if route is not None:
                return route
    return None


def _with_reasons(route: ReturnRoute | None, form: FormDefinition | None
                  ) -> ReturnRoute | None:
    if route is None or form is None:
        return route
    field = next((f for f in form.fields if f.name == "return_reason"), None)
    if field is None or not field.choices:
        return route
    return ReturnRoute(route.field, route.value, tuple(c.value for c in field.choices))


def _route_through(gateway: etree._Element, flows: list[etree._Element],
                   form: FormDefinition | None) -> ReturnRoute | None:
    out = [f for f in flows if f.get("sourceRef") == gateway.get("id")]
    conditions = {f.get("id"): _condition(f) for f in out}
    for flow in out:
        if not _is_return(flow.get("name") or ""):
            continue
        condition = conditions[flow.get("id")]
        if condition is not None:
            field, value = condition
            return ReturnRoute(field, value)
        if flow.get("id") == gateway.get("default"):
            return _default_route([c for c in conditions.values() if c], form)
    return None


def _is_return(name: str) -> bool:
    words = set(name.lower().split())
    return bool(words & RETURN_WORDS) or "退回" in name


def _condition(flow: etree._Element) -> tuple[str, str] | None:
    expression = flow.find("bpmn:conditionExpression", _NS)
    match = _EQUALS.match(expression.text or "") if expression is not None else None
    return (match.group(1), match.group(2)) if match else None


def _default_route(others: list[tuple[str, str]], form: FormDefinition | None
                   ) -> ReturnRoute | None:
    """The default flow is taken by any value of the field the other flows test but theirs."""
    fields = {field for field, _value in others}
    if len(fields) != 1 or form is None:
        return None
    (field,) = fields
    taken = {value for _field, value in others}
    spec = next((f for f in form.fields if f.name == field), None)
    choices = [c.value for c in spec.choices if c.value not in taken] if spec else []
    preferred = [c for c in choices if c.lower() in RETURN_WORDS]
    return ReturnRoute(field, (preferred or choices)[0]) if choices else None
