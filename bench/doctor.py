"""`creditflow doctor` over many instances: seconds and peak memory against the target.

Builds N instances by copying a few real ones, started and worked through the
runtime: sample reviews (open, claimed, rejected, approved) and dual notices
(pushed, claimed). Their states, work items and timers are inserted in bulk,
and one instance in a thousand gets a fault (a lost work item or a moved
timer) that the doctor must find. Then `creditflow doctor` runs in a child
process, whose peak RSS is the doctor's own (`doctor --help` the same way gives
what the command holds before checking anything), timed as a whole and past its
imports, which do not grow with N. Target: 60 s and 300 MB per 100,000
instances, the seconds past the imports scaled to N, the memory never below
300 MB (it must not grow with N). One JSON line per backend.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import time_machine  # noqa: E402
from sqlalchemy import Engine, func, insert, select  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from bench.common import backends, database, emit, progress  # noqa: E402
from engine import audit  # noqa: E402
from engine.db import session_factory, transaction  # noqa: E402
from engine.dual_notice.notices import notice_claim  # noqa: E402
from engine.dual_notice.routing import route_entities  # noqa: E402
from engine.models import ProcessInstance, Timer, WorkItem, WorkItemStatus  # noqa: E402
from engine.runtime import claim, complete  # noqa: E402
from tests.factories import (  # noqa: E402
    MONDAY,
    Change,
    make_entity,
    make_notice_world,
    notices_of,
    start_sample,
)

TARGET_SECONDS, TARGET_MB, PER = 60.0, 300.0, 100_000
FAULT_EVERY = 1000
CHUNK = 2000
IMPORT = audit.Actor("bench:import", "bench")


def build_templates(engine: Engine) -> list[int]:
    """A few instances in the stages a live database holds, worked as users would."""
    sessions = session_factory(engine)
    with time_machine.travel(MONDAY, tick=False), transaction(sessions) as session:
        world = make_notice_world(session)
        reviews = [start_sample(session) for _ in range(4)]
        items = {w.instance_id: w.id for w in session.execute(select(WorkItem)).scalars()}
        claim(session, world.actor("chen"), items[reviews[1].id])
        complete(session, world.actor("yang"), items[reviews[2].id], {"decision": "reject"})
        complete(session, world.actor("yang"), items[reviews[3].id],
                 {"decision": "approve", "opinion": "ok"})
        pushed, claimed = (make_entity(session, "印章刻制") for _ in range(2))
        route_entities(session, IMPORT, [Change(pushed), Change(claimed)])
        notice_claim(session, world.actor("hu"), notices_of(session, claimed)[0].id)
        return list(session.execute(select(ProcessInstance.id)).scalars())


def copy_instances(engine: Engine, templates: list[int], n: int) -> int:
    """N copies of the templates in bulk, with a fault in one of every FAULT_EVERY."""
    sessions = session_factory(engine)
    with transaction(sessions) as session:
        rows = [_template(session, t) for t in templates]
        next_id = session.execute(select(func.max(ProcessInstance.id))).scalar_one() + 1
    faults = 0
    for start in range(0, n - len(templates), CHUNK):
        count = min(CHUNK, n - len(templates) - start)
        instances, items, timers = [], [], []
        for k in range(count):
            instance, its_items, its_timers = rows[(start + k) % len(rows)]
            new_id = next_id + start + k
            instances.append({**instance, "id": new_id})
            if (start + k) % FAULT_EVERY == FAULT_EVERY - 1 and (its_items or its_timers):
                faults += 1
                its_items, its_timers = _fault(its_items, its_timers)
            items += [{**i, "instance_id": new_id} for i in its_items]
            timers += [{**t, "instance_id": new_id} for t in its_timers]
        with transaction(sessions) as session:
            session.execute(insert(ProcessInstance), instances)
            for model, values in ((WorkItem, items), (Timer, timers)):
                if values:
                    session.execute(insert(model), values)
        if (start // CHUNK) % 10 == 0:
            progress(f"  {start + count + len(templates):,} instances")
    with engine.connect() as conn:
        conn.exec_driver_sql("ANALYZE")
        conn.commit()
    return faults


Row = dict[str, Any]


def _template(session: Any, instance_id: int) -> tuple[Row, list[Row], list[Row]]:
    def columns(obj: Any, skip: tuple[str, ...]) -> Row:
        return {c.key: getattr(obj, c.key) for c in obj.__table__.columns if c.key not in skip}

    instance = session.get(ProcessInstance, instance_id)
    items = session.execute(select(WorkItem).where(WorkItem.instance_id == instance_id)).scalars()
    timers = session.execute(select(Timer).where(Timer.instance_id == instance_id)).scalars()
    return (columns(instance, ("id",)), [columns(i, ("id", "instance_id")) for i in items],
            [columns(t, ("id", "instance_id")) for t in timers])


def _fault(items: list[Row], timers: list[Row]) -> tuple[list[Row], list[Row]]:
    """A lost open work item, or else a timer due a day late."""
    open_items = [i for i in items if i["status"] == WorkItemStatus.OPEN]
    if open_items:
        return [i for i in items if i is not open_items[0]], timers
    if timers:
        return items, [{**timers[0], "due_at": timers[0]["due_at"] + timedelta(days=1)},
                       *timers[1:]]
    return items[1:], timers


# `creditflow` as its entry point runs it, timed from after its imports.
CLI = """import sys, time
from engine.cli import main
began = time.perf_counter()
try:
    main()
finally:
    print(f"{MARK}{time.perf_counter() - began}", file=sys.stderr)
"""
MARK = "running seconds: "


def run_cli(engine: Engine, workdir: Path, *args: str) -> tuple[float, float, float, list[str]]:
    """`creditflow ARGS` in a child process: seconds in all and past its imports, peak RSS
    in MB, what it printed."""
    url = engine.url.render_as_string(hide_password=False)
    schema = engine.dialect.name == "postgresql" and _search_path(engine)
    if schema:
        url = make_url(url).update_query_dict({"options": f"-csearch_path={schema}"})
        url = url.render_as_string(hide_password=False)
    env = {**os.environ, "CREDITFLOW_DATABASE_URL": url, "CREDITFLOW_VAR_DIR": str(workdir)}
    began = time.perf_counter()
    with tempfile.TemporaryFile("w+") as errors:
        child = subprocess.Popen([sys.executable, "-c", CLI.replace("{MARK}", MARK), *args],
                                 env=env, stdout=subprocess.PIPE, stderr=errors, text=True)
        assert child.stdout is not None
        output = child.stdout.read()
        _, status, usage = os.wait4(child.pid, 0)  # the rusage of this child alone
        seconds = time.perf_counter() - began
        child.returncode = os.waitstatus_to_exitcode(status)
        errors.seek(0)
        running = float(errors.read().rsplit(MARK, 1)[1])
    return seconds, running, usage.ru_maxrss / 1024, output.strip().splitlines()


def _search_path(engine: Engine) -> str:
    with engine.connect() as conn:
        return str(conn.exec_driver_sql("SELECT current_schema()").scalar())


def main() -> None:
    args = argparse.ArgumentParser(description=__doc__)
    args.add_argument("--quick", action="store_true", help="2,000 instances (< 1 minute)")
    args.add_argument("-n", "--instances", type=int, help="instances (default 100,000)")
    args.add_argument("--database-url", help="PostgreSQL URL; a schema of its own is "
                      "created there and dropped afterwards")
    options = args.parse_args()
    n = options.instances or (2_000 if options.quick else 100_000)
    if options.database_url:
        os.environ["CREDITFLOW_BENCH_DATABASE_URL"] = options.database_url
        os.environ["CREDITFLOW_BENCH_BACKENDS"] = "postgres"
    target_s = TARGET_SECONDS * n / PER
    target_mb = TARGET_MB * max(1.0, n / PER)
    with tempfile.TemporaryDirectory() as tmp:
        for backend in backends():
            with database(backend, Path(tmp)) as engine:
                progress(f"{backend}: building {n:,} instances")
                began = time.perf_counter()
                faults = copy_instances(engine, build_templates(engine), n)
                progress(f"{backend}: built in {time.perf_counter() - began:.1f}s; doctor")
                _, _, base_mb, _ = run_cli(engine, Path(tmp), "doctor", "--help")
                seconds, checking, peak_mb, lines = run_cli(engine, Path(tmp), "doctor")
            found = {line.split(":")[0] for line in lines if line.startswith("instance ")}
            emit(bench="doctor", backend=backend, instances=n, faults=faults,
                 faulty_found=len(found), verdict=lines[-1] if lines else "",
                 seconds=round(seconds, 2), checking_seconds=round(checking, 2),
                 peak_rss_mb=round(peak_mb, 1),
                 startup_rss_mb=round(base_mb, 1), target_seconds=round(target_s, 2),
                 target_peak_rss_mb=round(target_mb, 1),
                 meets_target=checking <= target_s and peak_mb <= target_mb)


if __name__ == "__main__":
    main()
