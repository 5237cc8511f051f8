"""The city supervisor's monitor over 10,000 late work items in every county.

Builds the Baoshan organisation (city, five counties, 22 departments each, the market
regulator's sections and stations), its people (officers, department administrators,
supervisors, a system administrator and an auditor), 10,000 overdue items spread over
every department, due-soon items and items not yet due (half of them dual notices with a
licence item). Then the city supervisor loads /monitor/ in the app (Flask's test client:
server time, no network): the first page, other pages, an area, a department and the
due-soon tab. The reference, in the same run, is a trivial signed-in page of the same app
(/notifications/ with nothing in it). Targets: p95 <= 150 ms, page <= 60 KB.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

# Run as a script, this file's folder comes first on the path, and bench/http.py would hide
# the standard library's http package (which the web stack needs): the project takes its place.
HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE]
sys.path.insert(0, str(HERE.parent))

from sqlalchemy import Engine, insert, select  # noqa: E402

from bench.common import backends, database, emit, progress, summary_ms  # noqa: E402
from bench.inbox import insert_instances  # noqa: E402
from engine import clock  # noqa: E402
from engine.audit import Actor  # noqa: E402
from engine.calendar import seed_from_chinese_calendar  # noqa: E402
from engine.config import PROJECT_DIR, Settings  # noqa: E402
from engine.db import session_factory, transaction  # noqa: E402
from engine.models import (  # noqa: E402
    DualNotice,
    MarketEntity,
    NoticeState,
    OrgKind,
    OrgUnit,
    ProcessDefinition,
    Role,
    User,
    UserRole,
    WorkItem,
    WorkItemStatus,
)
from engine.org.passwords import hash_password  # noqa: E402
from engine.registry.uscc import generate  # noqa: E402
from engine.runtime.deploy import deploy_paths  # noqa: E402
from engine.seed.seeders import seed_baoshan  # noqa: E402
from webapp import create_app  # noqa: E402
from webapp import database as web_database  # noqa: E402

TARGET_P95_MS = 150.0
TARGET_PAGE_KB = 60.0
PASSWORD = "bench-password-1"
CSRF = re.compile(r'name="csrf-token" content="([^"]+)"')
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗段尹杞"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰"
LICENCE_ITEMS = ["食品经营许可（餐饮服务）", "药品经营许可", "道路运输经营许可", "烟草专卖零售许可",
                 "农药经营许可", "娱乐场所经营许可", "公共场所卫生许可", "建筑业企业资质"]


def build(engine: Engine, var_dir: Path, late: int, others: int, seed: int = 1) -> int:
    """The organisation, its people and the work; returns the number of work items."""
    sessions = session_factory(engine, Settings(var_dir=var_dir))
    rng = random.Random(seed)
    now, actor = clock.now(), Actor("bench", "bench")
    with transaction(sessions) as session:
        seed_from_chinese_calendar(session, actor)
        seed_baoshan(session, actor)
        deploy_paths(session, actor, [PROJECT_DIR / "bpmn" / "sample_review.bpmn"])
        units = session.execute(select(OrgUnit)).scalars().all()
        _people(session, units, now)
        workplaces = [u for u in units if u.kind in (OrgKind.DEPARTMENT, OrgKind.SECTION,
                                                     OrgKind.STATION)]
        holders: dict[int, list[int]] = {}
        for user_id, unit_id in session.execute(select(User.id, User.org_unit_id)):
            holders.setdefault(unit_id, []).append(user_id)
        session.execute(insert(MarketEntity), [dict(
            uscc=generate(rng, u.area_code), name=f"保山市测试商贸{i}有限公司",
            area_code=u.area_code, status="存续", created_at=now)
            for i, u in enumerate(rng.choices(workplaces, k=max(1, (late + others) // 5)))])
        entity_ids = session.execute(select(MarketEntity.id)).scalars().all()
        definition_id = session.execute(select(ProcessDefinition.id)).scalar_one()
    total = late + others
    batch = 10_000
    for start in range(0, total, batch):
        count = min(batch, total - start)
        with transaction(sessions) as session:
            first = insert_instances(session, definition_id, count, now)
            items, notices = [], []
            for n in range(count):
                number = start + n
                unit = rng.choice(workplaces)
                due = _due(rng, now, late=number < late)
                notice = number % 2 == 0
                items.append(dict(
                    instance_id=first + n, task_id=f"t{number}",
                    task_name="claim" if notice else "review",
                    title="认领或退回 Claim or return" if notice else "审查案件 Review the case",
                    process_key="dual_notice" if notice else "sample_review",
                    lane="承办部门 department", candidate_org_id=unit.id,
                    candidate_role="officer",
                    assignee_id=rng.choice(holders[unit.id]) if unit.id in holders
                    and rng.random() < 0.3 else None,
                    status=WorkItemStatus.OPEN, priority=2, form_key=None,
                    entity_id=rng.choice(entity_ids), area_code=unit.area_code,
                    created_at=due - timedelta(days=10), due_at=due))
                if notice:
                    notices.append(dict(
                        entity_id=items[-1]["entity_id"], licence_item=f"L{number}",
                        licence_item_name=LICENCE_ITEMS[number % 8],
                        department_org_id=unit.id, instance_id=first + n, trigger="new",
                        routed="auto", state=NoticeState.PUSHED, live=True, pushed_at=now))
            session.execute(insert(WorkItem), items)
            session.execute(insert(DualNotice), notices)
        progress(f"  {start + count:,} work items")
    with engine.connect() as conn:  # fresh statistics, as a live database has them
        conn.exec_driver_sql("ANALYZE")
        conn.commit()
    return total


def _people(session: Any, units: list[OrgUnit], now: datetime) -> None:
    """Four officers and an administrator per department, two officers per section and
    station, a supervisor per joint-meeting office; a system administrator, an auditor.
    Display names are personal names of two or three characters, as people have."""
    password, rng = hash_password(PASSWORD), random.Random(2)
    people: list[tuple[str, str, int, Role]] = []
    for unit in units:
        if unit.kind == OrgKind.DEPARTMENT:
            people += [(f"u{unit.id}o{i}", _name(rng), unit.id, Role.OFFICER) for i in range(4)]
            people.append((f"u{unit.id}a", _name(rng), unit.id, Role.DEPT_ADMIN))
        elif unit.kind in (OrgKind.SECTION, OrgKind.STATION):
            people += [(f"u{unit.id}o{i}", _name(rng), unit.id, Role.OFFICER) for i in range(2)]
        elif unit.kind == OrgKind.JOINT_OFFICE:
            name = "jmo_city" if unit.code == "530500-jmo" else f"jmo_{unit.area_code}"
            people.append((name, _name(rng), unit.id, Role.SUPERVISOR))
        elif unit.kind == OrgKind.CITY:
            people += [("admin", "系统管理员", unit.id, Role.SYSADMIN),
                       ("auditor", "审计员", unit.id, Role.AUDITOR)]
    session.execute(insert(User), [dict(
        username=username, display_name=name, password_hash=password, org_unit_id=unit_id,
        active=True, locale="zh_CN", created_at=now) for username, name, unit_id, _r in people])
    ids = dict(session.execute(select(User.username, User.id)).all())
    session.execute(insert(UserRole), [dict(user_id=ids[username], role=role)
                                       for username, _n, _u, role in people])


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=rng.choice((1, 2))))


def _due(rng: random.Random, now: datetime, late: bool) -> datetime:
    if late:
        return now - timedelta(hours=rng.uniform(1, 40 * 24))
    return now + timedelta(hours=rng.uniform(1, 30 * 24))


def sign_in(client: Any, username: str) -> None:
    token = CSRF.search(client.get("/auth/login").get_data(as_text=True)).group(1)
    response = client.post("/auth/login", data={"csrf_token": token, "username": username,
                                                "password": PASSWORD})
    if response.status_code != 302:
        raise RuntimeError(f"{username} could not sign in ({response.status_code})")


def urls(engine: Engine, samples: int, rng: random.Random) -> list[str]:
    """What a city supervisor opens: mostly the first page, then other pages, an area, a
    department, the due-soon tab."""
    with engine.connect() as conn:
        departments = conn.execute(select(OrgUnit.id).where(
            OrgUnit.kind == OrgKind.DEPARTMENT)).scalars().all()
    areas = ["530500", "530502", "530521", "530523", "530524", "530581"]
    kinds = [lambda: "/monitor/", lambda: f"/monitor/?page={rng.randint(2, 400)}",
             lambda: f"/monitor/?area={rng.choice(areas)}",
             lambda: f"/monitor/?department={rng.choice(departments)}",
             lambda: "/monitor/?kind=due_soon"]
    return ["/monitor/" if n % 2 == 0 else rng.choice(kinds)() for n in range(samples)]


def measure(client: Any, paths: list[str]) -> tuple[list[float], list[float], tuple[int, str]]:
    """Wall and CPU seconds per page, and the largest page: its bytes and its path."""
    wall, cpu, largest = [], [], (0, "")
    for path in paths:
        began, began_cpu = time.perf_counter(), time.process_time()
        response = client.get(path)
        body = response.get_data()
        wall.append(time.perf_counter() - began)
        cpu.append(time.process_time() - began_cpu)
        if response.status_code != 200:
            raise RuntimeError(f"{path}: {response.status_code}")
        largest = max(largest, (len(body), path))
    return wall, cpu, largest


def run(backend: str, engine: Engine, workdir: Path, late: int, others: int,
        samples: int) -> None:
    progress(f"{backend}: building {late:,} late and {others:,} other work items")
    began = time.perf_counter()
    items = build(engine, workdir, late, others)
    progress(f"{backend}: built in {time.perf_counter() - began:.1f}s; timing")
    url = engine.url.render_as_string(hide_password=False)
    if engine.dialect.name == "postgresql":
        with engine.connect() as connection:
            schema = connection.exec_driver_sql("SHOW search_path").scalar()
        url = engine.url.update_query_dict({"options": f"-csearch_path={schema}"}
                                           ).render_as_string(hide_password=False)
    app = create_app(Settings(var_dir=workdir / "var", database_url=url))
    try:
        client = app.test_client()
        sign_in(client, "jmo_city")
        first = client.get("/monitor/").get_data()
        measure(client, ["/monitor/", "/notifications/"] * 3)  # warm caches and templates
        rng = random.Random(7)
        wall, cpu, largest = measure(client, urls(engine, samples, rng))
        ref_wall, ref_cpu, _ = measure(client, ["/notifications/"] * samples)
    finally:
        web_database.engine(app).dispose()
    figures, reference = summary_ms(wall), summary_ms(ref_wall)
    cpu_ms, ref_cpu_ms = summary_ms(cpu)["p50_ms"], summary_ms(ref_cpu)["p50_ms"]
    emit(bench="monitor", backend=backend, items=items, late=late, user="jmo_city", **figures,
         cpu_p50_ms=cpu_ms, reference_page="/notifications/",
         reference_p95_ms=reference["p95_ms"], reference_cpu_p50_ms=ref_cpu_ms,
         cpu_ratio=round(cpu_ms / ref_cpu_ms, 2) if ref_cpu_ms else None,
         first_page_kb=round(len(first) / 1024, 1), largest_page_kb=round(largest[0] / 1024, 1),
         largest_page=largest[1],
         target_p95_ms=TARGET_P95_MS, target_page_kb=TARGET_PAGE_KB,
         meets_target=figures["p95_ms"] <= TARGET_P95_MS
         and largest[0] / 1024 <= TARGET_PAGE_KB, load_average=round(os.getloadavg()[0], 2))


def main() -> None:
    args = argparse.ArgumentParser(description=__doc__)
    args.add_argument("--quick", action="store_true",
                      help="10,000 late items, 2,000 others, 40 pages")
    args.add_argument("--late", type=int, default=10_000)
    args.add_argument("--others", type=int)
    args.add_argument("--samples", type=int)
    args.add_argument("--database-url", help="PostgreSQL to run on besides SQLite")
    options = args.parse_args()
    others = options.others if options.others is not None else (
        2_000 if options.quick else 40_000)
    samples = options.samples or (40 if options.quick else 200)
    if options.database_url:
        os.environ["CREDITFLOW_BENCH_DATABASE_URL"] = options.database_url
    with tempfile.TemporaryDirectory() as tmp:
        for backend in backends():
            with database(backend, Path(tmp)) as engine:
                run(backend, engine, Path(tmp) / backend, options.late, others, samples)


if __name__ == "__main__":
    main()
