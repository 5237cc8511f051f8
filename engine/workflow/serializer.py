"""One configured serializer: specs stored once per version, states stored without them."""

from __future__ import annotations

import json
from collections import OrderedDict
from collections.abc import Callable
from threading import Lock
from typing import Any

from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer, DefaultRegistry
from SpiffWorkflow.bpmn.serializer.default.workflow import BpmnWorkflowConverter
from SpiffWorkflow.bpmn.serializer.helpers.encoder import create_encoder
from SpiffWorkflow.bpmn.specs.bpmn_process_spec import BpmnProcessSpec
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG

SERIALIZER_VERSION = "cf-1/spiff-1.5"

Specs = tuple[BpmnProcessSpec, dict[str, BpmnProcessSpec]]


class StateConverter(BpmnWorkflowConverter):
    """The workflow converter without the spec: it lives once in process_definition."""

    def to_dict(self, workflow: BpmnWorkflow) -> dict[str, Any]:
        dct = super(BpmnWorkflowConverter, self).to_dict(workflow)
        dct["subprocesses"] = self.mapping_to_dict(workflow.subprocesses)
        dct["bpmn_events"] = self.registry.convert(workflow.bpmn_events)
        return dct

    def from_dict(self, dct: dict[str, Any], specs: Specs | None = None) -> BpmnWorkflow:
        if specs is None:
            raise ValueError("a stored state is restored with its definition's specs")
        spec, subprocess_specs = specs
        dct = dict(dct, spec=None, subprocess_specs={})
        return self._restore(dct, spec, subprocess_specs)

    def _restore(self, dct: dict[str, Any], spec: BpmnProcessSpec,
                 subprocess_specs: dict[str, BpmnProcessSpec]) -> BpmnWorkflow:
        from uuid import UUID

        workflow = self.target_class(spec, subprocess_specs, deserializing=True)
        workflow.tasks = self.mapping_from_dict(dct["tasks"], UUID, workflow=workflow)
        workflow.task_tree = workflow.tasks.get(UUID(dct["root"]))
        self.set_default_attributes(workflow, dct)
        self.subprocesses_from_dict(dct["subprocesses"], workflow)
        workflow.bpmn_events = self.registry.restore(dct.pop("bpmn_events", []))
        return workflow


def _registry() -> DefaultRegistry:
    config = dict(SPIFF_CONFIG)
    config[BpmnWorkflow] = StateConverter
    return BpmnWorkflowSerializer.configure(config)


_REGISTRY = _registry()
_ENCODER = create_encoder(_REGISTRY)
_SPEC_CACHE: OrderedDict[str, Specs] = OrderedDict()
_SPEC_CACHE_SIZE = 256
_SPEC_LOCK = Lock()


def dump_spec(spec: BpmnProcessSpec, subprocess_specs: dict[str, BpmnProcessSpec]) -> str:
    """The JSON stored once per process definition version."""
    return json.dumps({
        "spec": _REGISTRY.convert(spec),
        "subprocess_specs": {k: _REGISTRY.convert(v) for k, v in subprocess_specs.items()},
    }, ensure_ascii=False)


def spec_text(task_spec: Any) -> str:
    """One task spec as the stored definition holds it (its scripts, conditions, event
    expressions and properties), as JSON text."""
    return json.dumps(_REGISTRY.convert(task_spec), ensure_ascii=False, default=str)


def load_spec(sha256: str, fetch_json: Callable[[], str]) -> Specs:
    """Restore a definition's specs, once per process (they are immutable).

    Keyed by the definition's content hash, so two databases in one process
    (tests, benchmarks) never share a wrong spec. `fetch_json` is called only
    on a cache miss, so the large text is read rarely.
    """
    with _SPEC_LOCK:
        cached = _SPEC_CACHE.get(sha256)
        if cached is not None:
            _SPEC_CACHE.move_to_end(sha256)
            return cached
    dct = json.loads(fetch_json())
    specs = (_REGISTRY.restore(dct["spec"]),
             {k: _REGISTRY.restore(v) for k, v in dct["subprocess_specs"].items()})
    for process in (specs[0], *specs[1].values()):
        wire_event_subprocesses(process)
    with _SPEC_LOCK:
        _SPEC_CACHE[sha256] = specs
        while len(_SPEC_CACHE) > _SPEC_CACHE_SIZE:
            _SPEC_CACHE.popitem(last=False)
    return specs


def wire_event_subprocesses(spec: BpmnProcessSpec) -> None:
    """Give each event sub-process of `spec` the connections SpiffWorkflow adds when the
    event first starts one (`BpmnStartTask.trigger_wf`: Start → sub-process → End).

    Added at run time, they are missing from a spec stored before, so a restored case
    whose event sub-process had started failed with "No input task connected"; and
    added to a cached spec, they would change it for every other case. So every loaded
    spec gets them here, once, and without the one that matters to new cases: the
    start task's own list of outputs stays as parsed, so nothing starts unless its
    event comes.
    """
    start, end = spec.start, spec.end
    for name in start.trigger_specs:
        sub = spec.task_specs.get(name)
        if sub is None or start in sub.inputs:
            continue
        sub._inputs.append(start.name)  # the input side only: Start keeps its outputs
        if end not in sub.outputs:
            sub.connect(end)


def new_workflow(specs: Specs, engine: PythonScriptEngine) -> BpmnWorkflow:
    spec, subprocess_specs = specs
    return BpmnWorkflow(spec, subprocess_specs, script_engine=engine)


class StateTooLarge(ValueError):
    """An instance state beyond max_instance_state_bytes, or too deep or big to serialize."""


def dump_state(workflow: BpmnWorkflow, max_bytes: int | None = None) -> str:
    """The instance state as JSON, without the spec; StateTooLarge past `max_bytes`.

    Like SpiffWorkflow's own serializer, the registry converts shallowly and the
    JSON encoder does the rest. The flag is shared, but either mode yields the
    same JSON, so threads racing on it are harmless.
    """
    _REGISTRY._encoder_mode = True
    try:
        text = json.dumps(_REGISTRY.convert(workflow), cls=_ENCODER, ensure_ascii=False)
    except RecursionError:
        raise StateTooLarge("the instance's data is nested too deeply to be stored") from None
    except MemoryError:
        raise StateTooLarge("the instance's data is too large to be stored") from None
    finally:
        _REGISTRY._encoder_mode = False
    if max_bytes is not None and len(text) * 3 > max_bytes:
        size = len(text.encode("utf-8"))
        if size > max_bytes:
            raise StateTooLarge(f"the instance's state would take {size:,} bytes, more than "
                                f"{max_bytes:,} (setting max_instance_state_bytes)")
    return text


def load_state(state: str, specs: Specs, engine: PythonScriptEngine) -> BpmnWorkflow:
    """Restore an instance; the sandboxed script engine is attached before anything runs."""
    workflow = _REGISTRY.restore(json.loads(state), specs=specs)
    workflow.script_engine = engine
    return workflow
