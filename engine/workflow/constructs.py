"""BPMN constructs the platform cannot serve yet, and call graphs that never end: refused
at deploy, naming the element, instead of deploying and then failing or hanging.

SpiffWorkflow parses every construct below, and each runs in plain SpiffWorkflow when
the host application supplies what it needs: a service registry, a way to deliver
messages, data stores, a scheduler that starts cases. Until the platform supplies it,
a diagram that relies on one deploys and then waits for ever or fails at run time; so
deploy says why now. Messages and signals are served (engine.runtime.events: thrown
within a case, sent by the API, the CLI or a procedure; a message start event starts a
case); none and timer events inside a case are served.
"""

from __future__ import annotations

from collections.abc import Iterator

from lxml import etree
from SpiffWorkflow.bpmn.specs.bpmn_process_spec import BpmnProcessSpec
from SpiffWorkflow.bpmn.specs.event_definitions.message import MessageEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.simple import NoneEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.events.start_event import StartEvent
from SpiffWorkflow.bpmn.specs.mixins.service_task import ServiceTask
from SpiffWorkflow.bpmn.specs.mixins.subworkflow_task import CallActivity

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
CAMUNDA = "http://camunda.org/schema/1.0/bpmn"

SERVICE = ("service tasks are not served: the platform connects no services; use a script "
           "task, or a user task for work done elsewhere")
START = ("a process starts by hand, by a procedure of the platform, by a message or on a "
         "schedule; a {kind} start event would never start it (nothing starts cases by a "
         "{kind} yet); use a plain, message or timer start event")
DATA_STORE = "data stores are not served: keep the data in the case (data objects)"
DECISION_REF = ("the decision is named only in camunda:decisionRef, which this engine does "
                "not read; name it with spiffworkflow:calledDecisionId")


Found = tuple[str, str, str, dict[str, str]]
"""(element id, reason code, reason in English, params of the reason)."""


def unsupported(key: str, specs: dict[str, BpmnProcessSpec], files: list[tuple[str, str]]
                ) -> Iterator[Found]:
    """(element id, code, reason, params) for each construct the platform cannot serve, in
    every process of the deployment (`specs`: the executable process `key`, its event
    sub-processes and the processes it calls, by id)."""
    for name, spec in specs.items():
        top_level = set(spec.start.outputs) if name == key else set()
        for task_spec in spec.task_specs.values():
            element = getattr(task_spec, "bpmn_id", None)
            if element is None:
                continue
            if isinstance(task_spec, ServiceTask):
                yield element, "service_task", SERVICE, {}
            event = getattr(task_spec, "event_definition", None)
            if (isinstance(task_spec, StartEvent) and task_spec in top_level
                    and not isinstance(event, NoneEventDefinition | MessageEventDefinition
                                       | TimerEventDefinition)):
                yield (element, "start_event_kind", START.format(kind=_kind(event)),
                       {"kind": _kind(event)})
    for _name, text in files:
        yield from _in_xml(text)
    yield from call_cycles(specs)


def _kind(event: object) -> str:
    name = type(event).__name__.removesuffix("EventDefinition")
    return name.lower() or "special"


def _in_xml(bpmn_xml: str) -> Iterator[Found]:
    """What the parsed specs do not keep: data stores, Camunda's decision reference."""
    root = etree.fromstring(bpmn_xml.encode("utf-8"), etree.XMLParser(resolve_entities=False))
    for node in root.iter(f"{{{BPMN}}}dataStoreReference", f"{{{BPMN}}}dataStore"):
        yield node.get("id", "?"), "data_store", DATA_STORE, {}
    for node in root.iter(f"{{{BPMN}}}businessRuleTask"):
        if node.get(f"{{{CAMUNDA}}}decisionRef") and not _named_by_spiff(node):
            yield node.get("id", "?"), "decision_ref", DECISION_REF, {}


def _named_by_spiff(node: etree._Element) -> bool:
    return any(etree.QName(child).localname == "calledDecisionId"
               for child in node.iter() if isinstance(child.tag, str))


def call_cycles(specs: dict[str, BpmnProcessSpec]) -> Iterator[Found]:
    """Each call activity that can call back into a process already on its call stack:
    a cycle in the call graph, so starting the case would never end."""
    calls = {name: [(task.bpmn_id, task.spec) for task in spec.task_specs.values()
                    if isinstance(task, CallActivity)] for name, spec in specs.items()}
    reported: set[str] = set()

    def walk(process: str, stack: tuple[str, ...]) -> Iterator[Found]:
        for element, called in calls.get(process, []):
            if called in stack:
                if element not in reported:
                    reported.add(element)
                    path = " → ".join((*stack[stack.index(called):], called))
                    yield element, "call_cycle", (
                        f"calls process {called!r}, which is already running above it "
                        f"({path}): a cycle of calls never ends"), {"process": called,
                                                                    "path": path}
            elif called in calls:
                yield from walk(called, (*stack, called))

    for name in calls:
        yield from walk(name, (name,))
