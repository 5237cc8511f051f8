"""Inbox query latency over a large dataset (200,000 open work items by default).

Builds the dataset (100 org units in 5 counties, 2,000 officers, one supervisor
per county), then times the three inbox queries the officers and supervisors
run most, 50 rows ordered by due date each: one officer's own items, one
unit's claimable items, and the overdue items of a county. Target: p95 <= 20 ms.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import Engine, insert, select  # noqa: E402

from bench.common import backends, database, emit, progress, summary_ms, timed  # noqa: E402
from engine import clock  # noqa: E402
from engine.audit import Actor  # noqa: E402
from engine.calendar import calendar_for, seed_from_chinese_calendar  # noqa: E402
from engine.config import PROJECT_DIR, Settings  # noqa: E402
from engine.db import make_engine, read_session_factory, session_factory, transaction  # noqa: E402
from engine.models import (  # noqa: E402
    Base,
    InstanceStatus,
    MarketEntity,
    OrgKind,
    ProcessInstance,
    Role,
    User,
    UserRole,
    WorkItem,
    WorkItemStatus,
)
from engine.org.passwords import hash_password  # noqa: E402
from engine.org.units import add_org_unit  # noqa: E402
from engine.registry.uscc import generate  # noqa: E402
from engine.runtime.deploy import deploy_paths  # noqa: E402
from engine.work.inbox import inbox_page  # noqa: E402

TARGET_P95_MS = 20.0
COUNTIES = ["530502", "530521", "530523", "530524", "530581"]
BENCH_PASSWORD = "bench-password-1"


@dataclass
class Dataset:
    officers: list[int]
    supervisors: list[int]
    unit_ids: list[int]
    items: int


def build_dataset(target: str | Engine, var_dir: Path, items: int = 200_000,
                  units: int = 100, users: int = 2_000, seed: int = 1) -> Dataset:
    """Fill an empty, migrated database with a realistic inbox load.

    Every user's password is BENCH_PASSWORD. Instances carry no restorable
    state: only the inbox (which never loads a workflow) is exercised. The audit
    key and checkpoints go to var_dir, the var folder of the server that reads it.
    """
    engine = make_engine(target) if isinstance(target, str) else target
    sessions = session_factory(engine, Settings(var_dir=var_dir))
    rng = random.Random(seed)
    now = clock.now()
    actor = Actor("bench", "bench")
    with transaction(sessions) as session:
        seed_from_chinese_calendar(session, actor)
        definition, _ = deploy_paths(session, actor, [PROJECT_DIR / "bpmn" / "sample_review.bpmn"])
        city = add_org_unit(session, "530500", "保山市", OrgKind.CITY, "530500")
        county_units, unit_ids, joint_offices = {}, [], {}
        for code in COUNTIES:
            county_units[code] = add_org_unit(session, code, code, OrgKind.COUNTY, code, city)
            joint_offices[code] = add_org_unit(session, f"{code}-jmo", f"{code}联席办",
                                               OrgKind.JOINT_OFFICE, code, county_units[code])
        for i in range(units):
            code = COUNTIES[i % len(COUNTIES)]
            unit = add_org_unit(session, f"{code}-d{i}", f"部门{i}", OrgKind.DEPARTMENT, code,
                                county_units[code])
            unit_ids.append(unit.id)
        area_of = {u: COUNTIES[i % len(COUNTIES)] for i, u in enumerate(unit_ids)}
        password = hash_password(BENCH_PASSWORD)
        user_rows = [dict(username=f"bench{i}", display_name=f"执法人员{i}",
                          password_hash=password, org_unit_id=unit_ids[i % units], active=True,
                          locale="zh_CN", created_at=now) for i in range(users)]
        user_rows += [dict(username=f"jmo{code}", display_name=f"督办{code}",
                           password_hash=password, org_unit_id=joint_offices[code].id,
                           active=True, locale="zh_CN", created_at=now) for code in COUNTIES]
        session.execute(insert(User), user_rows)
        ids = dict(session.execute(select(User.username, User.id)).all())
        officers = [ids[f"bench{i}"] for i in range(users)]
        supervisors = [ids[f"jmo{code}"] for code in COUNTIES]
        session.execute(insert(UserRole), [dict(user_id=u, role=Role.OFFICER) for u in officers]
                        + [dict(user_id=u, role=Role.SUPERVISOR) for u in supervisors])
        entities = [dict(uscc=generate(rng, rng.choice(COUNTIES)),
                         name=f"保山市测试商贸{i}有限公司",
                         area_code=rng.choice(COUNTIES), status="存续", created_at=now)
                    for i in range(max(1, items // 10))]
        session.execute(insert(MarketEntity), entities)
        entity_ids = session.execute(select(MarketEntity.id)).scalars().all()
        users_of: dict[int, list[int]] = {}
        for i, user_id in enumerate(officers):
            users_of.setdefault(unit_ids[i % units], []).append(user_id)
        definition_id = definition.id
    batch = 20_000
    for start in range(0, items, batch):
        count = min(batch, items - start)
        with transaction(sessions) as session:
            first = insert_instances(session, definition_id, count, now)
            rows = []
            for n in range(count):
                unit = rng.choice(unit_ids)
                due = now + timedelta(hours=rng.uniform(-15 * 24, 15 * 24))
                rows.append(dict(
                    instance_id=first + n, task_id=f"t{start + n}", task_name="review",
                    title="审查案件 Review the case", process_key="sample_review",
                    lane="承办部门 department", candidate_org_id=unit, candidate_role="officer",
                    assignee_id=rng.choice(users_of[unit]) if rng.random() < 0.3 else None,
                    status=WorkItemStatus.OPEN, priority=rng.choice((1, 2, 2, 3)),
                    form_key="sample_review", entity_id=rng.choice(entity_ids),
                    area_code=area_of[unit], created_at=due - timedelta(days=10), due_at=due))
            session.execute(insert(WorkItem), rows)
        progress(f"  {start + count:,} work items")
    # Fresh statistics, as a live database has them; on PostgreSQL a vacuum too, as
    # autovacuum would have run over a table this size (the test server runs without it):
    # counts then read the tabs' indexes alone.
    if engine.dialect.name == "postgresql":  # table by table: only this schema's
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            for table in Base.metadata.sorted_tables:
                conn.exec_driver_sql(f'VACUUM ANALYZE "{table.name}"')
    else:
        with engine.connect() as conn:
            conn.exec_driver_sql("ANALYZE")
            conn.commit()
    return Dataset(officers, supervisors, unit_ids, items)


def insert_instances(session, definition_id: int, count: int, now) -> int:  # type: ignore[no-untyped-def]
    """`count` stateless running instances of a definition; the id of the first."""
    before = session.execute(select(ProcessInstance.id).order_by(
        ProcessInstance.id.desc()).limit(1)).scalar() or 0
    session.execute(insert(ProcessInstance), [dict(
        definition_id=definition_id, status=InstanceStatus.RUNNING, state="{}",
        serializer_version="bench", version=1, started_by="bench", started_at=now,
        updated_at=now) for _ in range(count)])
    return before + 1


def measure(engine: Engine, data: Dataset, samples: int, workdir: Path) -> dict[str, list[float]]:
    sessions = read_session_factory(engine, Settings(var_dir=workdir))
    rng = random.Random(7)
    queries = {"officer_items": ("mine", data.officers), "unit_claimable": (
        "claimable", data.officers), "county_overdue": ("overdue", data.supervisors)}
    results: dict[str, list[float]] = {}
    with sessions() as session:
        calendar = calendar_for(session, Settings())
        for name, (tab, people) in queries.items():
            users = [session.get(User, rng.choice(people)) for _ in range(samples)]
            for user in users:  # load each user's unit outside the timing
                assert user is not None and user.org_unit is not None
            queue = iter(users)

            def one(queue=queue, tab=tab):  # type: ignore[no-untyped-def]
                return inbox_page(session, next(queue), tab, calendar, per_page=50)

            results[name] = timed(one, samples)
            session.rollback()
    return results


def main() -> None:
    args = argparse.ArgumentParser(description=__doc__)
    args.add_argument("--quick", action="store_true", help="20,000 items, fewer samples")
    args.add_argument("--items", type=int)
    options = args.parse_args()
    items = options.items or (20_000 if options.quick else 200_000)
    samples = 60 if options.quick else 200
    with tempfile.TemporaryDirectory() as tmp:
        for backend in backends():
            with database(backend, Path(tmp)) as engine:
                progress(f"{backend}: building {items:,} work items")
                began = time.perf_counter()
                data = build_dataset(engine, Path(tmp), items=items)
                progress(f"{backend}: built in {time.perf_counter() - began:.1f}s; timing")
                for name, seconds in measure(engine, data, samples, Path(tmp)).items():
                    figures = summary_ms(seconds)
                    emit(bench="inbox", backend=backend, query=name, items=items, rows=50,
                         **figures, target_p95_ms=TARGET_P95_MS,
                         meets_target=figures["p95_ms"] <= TARGET_P95_MS)


if __name__ == "__main__":
    main()
