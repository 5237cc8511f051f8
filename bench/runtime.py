"""Runtime throughput: raw SpiffWorkflow against the platform, on the same diagram.

Raw: the diagram parsed once; "start" = new workflow + engine steps + serialize;
"complete" = deserialize + complete the user task + engine steps + serialize.
Platform: the same two operations as committed transactions with work items,
timers and audit. Prints JSON lines with ops/s and ratio = platform / raw.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine, TaskDataEnvironment  # noqa: E402
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer  # noqa: E402
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow  # noqa: E402
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser  # noqa: E402
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG  # noqa: E402
from SpiffWorkflow.util.task import TaskState  # noqa: E402
from sqlalchemy import select  # noqa: E402

import rules  # noqa: E402
from bench.common import backends, database, emit, progress  # noqa: E402
from engine.audit import Actor  # noqa: E402
from engine.config import PROJECT_DIR, Settings  # noqa: E402
from engine.db import session_factory, transaction  # noqa: E402
from engine.models import WorkItem, WorkItemStatus  # noqa: E402
from engine.runtime import complete, start_process  # noqa: E402
from tests.factories import case_data, make_world  # noqa: E402
from tests.rule_context import CalendarContext  # noqa: E402

DIAGRAM = PROJECT_DIR / "bpmn" / "sample_review.bpmn"
TARGET = 0.4
CST = ZoneInfo("Asia/Shanghai")


def raw_figures(n: int) -> dict[str, float]:
    parser = SpiffBpmnParser()
    parser.add_bpmn_file(str(DIAGRAM))
    spec = parser.get_spec("sample_review")
    subprocesses = parser.get_subprocess_specs("sample_review")
    serializer = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(SPIFF_CONFIG))
    engine = PythonScriptEngine(TaskDataEnvironment(rules.REGISTRY.bind(CalendarContext())))
    data = case_data()

    states = []
    began = time.perf_counter()
    for _ in range(n):
        workflow = BpmnWorkflow(spec, subprocesses, script_engine=engine)
        workflow.get_next_task(state=TaskState.READY).data.update(data)
        workflow.do_engine_steps()
        states.append(serializer.serialize_json(workflow))
    start_rate = n / (time.perf_counter() - began)

    began = time.perf_counter()
    for state in states:
        workflow = serializer.deserialize_json(state)
        workflow.script_engine = engine
        task = workflow.get_next_task(state=TaskState.READY, manual=True)
        task.data.update(decision="approve", opinion="ok")
        task.run()
        workflow.do_engine_steps()
        serializer.serialize_json(workflow)
    complete_rate = n / (time.perf_counter() - began)
    return {"start": start_rate, "complete": complete_rate}


def platform_figures(backend: str, n: int, workdir: Path) -> dict[str, float]:
    with database(backend, workdir) as engine:
        sessions = session_factory(engine, Settings(var_dir=workdir))
        with transaction(sessions) as session:
            world = make_world(session)
        actor = Actor("bench", "bench")
        began = time.perf_counter()
        for i in range(n):
            with transaction(sessions) as session:
                start_process(session, actor, "sample_review", data=case_data(),
                              area_code="530502", business_key=f"B{i}")
        start_rate = n / (time.perf_counter() - began)
        with transaction(sessions) as session:
            ids = session.execute(select(WorkItem.id).where(
                WorkItem.status == WorkItemStatus.OPEN)).scalars().all()
        officer = world.actor("chen")
        began = time.perf_counter()
        for item_id in ids:
            with transaction(sessions) as session:
                complete(session, officer, item_id, {"decision": "approve", "opinion": "ok"})
        complete_rate = len(ids) / (time.perf_counter() - began)
    return {"start": start_rate, "complete": complete_rate}


def main() -> None:
    args = argparse.ArgumentParser(description=__doc__)
    args.add_argument("--quick", action="store_true", help="fewer operations (< 1 minute)")
    args.add_argument("-n", type=int, help="operations per figure")
    options = args.parse_args()
    n = options.n or (150 if options.quick else 1000)
    progress(f"raw SpiffWorkflow, {n} operations each")
    raw = raw_figures(n)
    for operation, rate in raw.items():
        emit(bench="runtime", system="raw_spiffworkflow", operation=operation,
             ops_per_s=round(rate, 1), n=n)
    with tempfile.TemporaryDirectory() as tmp:
        for backend in backends():
            progress(f"platform on {backend}, {n} operations each")
            platform = platform_figures(backend, n, Path(tmp))
            for operation, rate in platform.items():
                ratio = rate / raw[operation]
                emit(bench="runtime", system="platform", backend=backend, operation=operation,
                     ops_per_s=round(rate, 1), raw_ops_per_s=round(raw[operation], 1),
                     ratio=round(ratio, 3), target_ratio=TARGET,
                     meets_target=ratio >= TARGET if backend == "sqlite" else None, n=n)


if __name__ == "__main__":
    main()
