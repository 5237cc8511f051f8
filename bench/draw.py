"""The spot-check draw (双随机): 300,000 registered entities and 2,000 officers.

A joint task of the city's market regulator and the five counties' regulators, at 3%,
targeted by filters (industries, entity types, risk classes A–D) and held back by the
yearly cap (an earlier task of the year drew 3% of everyone). Measured: the draw as the
draw page runs it, from reading the pool to the commit (snapshot, its hash, the
algorithm, the sealed row with the compressed snapshot, the targets, the audit event);
then its replay from the sealed record (`verify_draw`: decompress, hash, re-run, compare,
check the seal). Target: the draw within 2 s on SQLite and PostgreSQL; the replay must
give the identical result (both times reported). The reference figure, measured in the
same run, is a bare `SELECT id` of the filtered pool: the floor the database sets.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert, select  # noqa: E402

from bench.common import backends, database, emit, progress  # noqa: E402
from engine import spot_check  # noqa: E402
from engine.audit import Actor  # noqa: E402
from engine.config import Settings  # noqa: E402
from engine.db import session_factory, transaction  # noqa: E402
from engine.models import (  # noqa: E402
    ConflictOfInterest,
    MarketEntity,
    OfficerQualification,
    OrgUnit,
    Role,
    User,
    UserRole,
)
from engine.seed.baoshan import COUNTIES  # noqa: E402
from engine.seed.seeders import seed_baoshan  # noqa: E402
from engine.spot_check import ItemFields, TaskFields  # noqa: E402
from engine.spot_check.snapshot import entity_conditions  # noqa: E402

TARGET_SECONDS = 2.0
AREAS = [code for code, _name in COUNTIES]
INDUSTRIES = ["F5211", "F5212", "H6210", "H6220", "C1391", "F5261", "O8010", "L7211"]
TYPES = ["有限责任公司", "个体工商户", "股份有限公司", "个人独资企业", "农民专业合作社"]
RISKS = ["A"] * 30 + ["B"] * 40 + ["C"] * 20 + ["D"] * 5 + [None] * 5
INSPECTION = date(2026, 6, 15)
NOW = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)


def populate(sessions, actor: Actor, entities: int, officers: int) -> list[int]:
    """The org tree, the entities, the officers (5% expired, 3% inactive, 70% with the food
    qualification) and 2,000 declared conflicts; the ids of the six regulators."""
    rng = random.Random(5305)
    with transaction(sessions) as session:
        seed_baoshan(session, actor)
        units = dict(session.execute(select(OrgUnit.code, OrgUnit.id).where(
            OrgUnit.code.in_(["530500-amr", *(f"{a}-amr" for a in AREAS)]))).all())
    batch = 20_000
    for start in range(0, entities, batch):
        with transaction(sessions) as session:
            session.execute(insert(MarketEntity.__table__), [
                {"uscc": f"91{i:016d}", "name": f"抽查基准{i}", "area_code": rng.choice(AREAS),
                 "industry_code": rng.choice(INDUSTRIES), "entity_type": rng.choice(TYPES),
                 "risk_class": rng.choice(RISKS), "status": "存续",
                 "routing_state": "not_routed"}
                for i in range(start, min(entities, start + batch))])
    regulators = sorted(units.values())
    with transaction(sessions) as session:
        session.execute(insert(User.__table__), [
            {"username": f"bench{i:05d}", "display_name": f"执法人员{i}", "password_hash": "-",
             "org_unit_id": regulators[i % len(regulators)], "active": rng.random() > 0.03,
             "locale": "zh_CN", "certificate_no": f"53{i:08d}",
             "certificate_expires": date(2026, 5, 31) if rng.random() < 0.05
             else date(2028, 12, 31), "session_generation": 0,
             "must_change_password": False} for i in range(officers)])
        ids = list(session.execute(select(User.id).where(
            User.username.startswith("bench"))).scalars())
        session.execute(insert(UserRole.__table__),
                        [{"user_id": i, "role": Role.OFFICER} for i in ids])
        session.execute(insert(OfficerQualification.__table__), [
            {"user_id": i, "tag": "食品", "granted_by": "bench", "granted_at": NOW}
            for i in ids if rng.random() < 0.7])
        pool_ids = list(session.execute(select(MarketEntity.id)).scalars())
        pairs = {(rng.choice(ids), rng.choice(pool_ids)) for _ in range(2000)}
        session.execute(insert(ConflictOfInterest.__table__), [
            {"user_id": o, "entity_id": e, "relation": "近亲属", "declared_by": "bench",
             "declared_at": NOW} for o, e in sorted(pairs)])
    return regulators


def make_tasks(sessions, actor: Actor, regulators: list[int], repeat: int
               ) -> tuple[list[int], float]:
    """An untargeted task of the year, drawn (the cap's history; the seconds it took are
    returned), then `repeat` targeted tasks to measure."""
    with transaction(sessions) as session:
        item = spot_check.save_item(session, actor, ItemFields(
            "BENCH-01", "食品经营者检查", ("许可", "公示"), "实地核查", "食品", "《食品安全法》",
            "食品经营者", "3", "每年一次", False), owner_org_id=regulators[0]).id
        earlier = spot_check.create_task(session, actor, TaskFields(
            "上半年不定向抽查", [item], INSPECTION, date(2026, 7, 31), ratio_percent="3",
            yearly_cap=1, unit_ids=regulators), organiser_org_id=regulators[0]).id
    began = time.perf_counter()
    with transaction(sessions) as session:
        spot_check.draw_task(session, actor, earlier)
    untargeted = time.perf_counter() - began
    with transaction(sessions) as session:
        filters = {"industries": ["F52", "H62", "C13"], "types": TYPES[:3],
                   "risks": ["A", "B", "C", "D"]}
        return [spot_check.create_task(session, actor, TaskFields(
            f"定向抽查{n}", [item], INSPECTION, date(2026, 7, 31), targeted=True,
            filters=filters, ratio_percent="3", yearly_cap=1, unit_ids=regulators),
            organiser_org_id=regulators[0]).id for n in range(repeat)], untargeted


def run(backend: str, entities: int, officers: int, repeat: int, workdir: Path) -> dict:
    with database(backend, workdir) as engine:
        sessions = session_factory(engine, Settings(var_dir=workdir))
        actor = Actor("bench", "bench")
        progress(f"{backend}: {entities:,} entities, {officers:,} officers")
        regulators = populate(sessions, actor, entities, officers)
        tasks, untargeted = make_tasks(sessions, actor, regulators, repeat)
        draws, replays, floors = [], [], []
        for task_id in tasks:
            with transaction(sessions) as session:
                task = spot_check.get_task(session, task_id)
                began = time.perf_counter()
                session.execute(select(MarketEntity.id).where(
                    *entity_conditions(session, task))).all()
                floors.append(time.perf_counter() - began)
            began = time.perf_counter()
            with transaction(sessions) as session:
                sealed = spot_check.draw_task(session, actor, task_id)
                draw_id, result_hash = sealed.id, sealed.result_hash
                pool, drawn = sealed.pool_size, len(sealed.result["targets"])
                eligible = sealed.result["eligible"]
            draws.append(time.perf_counter() - began)
            began = time.perf_counter()
            with transaction(sessions) as session:
                report = spot_check.verify_draw(session, actor, draw_id)
            replays.append(time.perf_counter() - began)
            assert report.intact and report.replayed_hash == result_hash, report
    return {"draws": draws, "replays": replays, "floors": floors, "pool": pool,
            "eligible": eligible, "targets": drawn, "untargeted": untargeted}


def main() -> None:
    args = argparse.ArgumentParser(description=__doc__)
    args.add_argument("--quick", action="store_true", help="30,000 entities, 300 officers")
    args.add_argument("--repeat", type=int, default=3)
    options = args.parse_args()
    entities, officers = (30_000, 300) if options.quick else (300_000, 2_000)
    with tempfile.TemporaryDirectory() as tmp:
        for backend in backends():
            figures = run(backend, entities, officers, options.repeat, Path(tmp))
            worst = max(figures["draws"])
            emit(bench="draw", backend=backend, entities=entities, officers=officers,
                 pool=figures["pool"], eligible_after_cap=figures["eligible"],
                 targets=figures["targets"], repeat=options.repeat,
                 draw_seconds_median=round(statistics.median(figures["draws"]), 3),
                 draw_seconds_max=round(worst, 3),
                 replay_seconds_median=round(statistics.median(figures["replays"]), 3),
                 replay_identical=True,
                 untargeted_draw_seconds=round(figures["untargeted"], 3),
                 reference="SELECT id of the filtered pool",
                 reference_seconds_median=round(statistics.median(figures["floors"]), 3),
                 target_seconds=TARGET_SECONDS, meets_target=worst <= TARGET_SECONDS)


if __name__ == "__main__":
    main()
