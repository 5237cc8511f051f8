"""The credit check ("一处违法、处处受限") at the scale of a province's registry.

1,000,000 entities, 50,000 of them on a list in force (serious and abnormal, a few
individual businesses marked), plus 10,000 entries no longer in force; a catalogue of 100
measures. Measured through the engine functions, logging included:
- one check (`credit_check.check_one`) for a random code and action: p95 <= 5 ms;
- a batch of 10,000 codes (`credit_check.check_codes`): >= 20,000 checks/s.
On SQLite and, when configured, PostgreSQL. JSON lines, each compared with its target.
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
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import Engine, insert, select, text  # noqa: E402

from bench.common import backends, database, emit, progress, summary_ms  # noqa: E402
from engine import credit_check  # noqa: E402
from engine.audit import Actor  # noqa: E402
from engine.config import Settings  # noqa: E402
from engine.db import session_factory, transaction  # noqa: E402
from engine.models import (  # noqa: E402
    CreditListEntry,
    ListStatus,
    ListType,
    MarketEntity,
    OrgKind,
    OrgUnit,
)
from engine.registry.uscc import generate  # noqa: E402

TARGET_P95_MS = 5.0
TARGET_PER_SECOND = 20_000.0
BATCH = 20_000
AREA = "530502"
LISTED_SHARE = 0.05


def entity_rows(count: int, rng: random.Random) -> list[dict[str, Any]]:
    codes: set[str] = set()
    while len(codes) < count:
        codes.add(generate(rng, AREA, "92" if rng.random() < 0.3 else "91"))
    return [{"uscc": code, "name": f"测试企业{i}", "area_code": AREA, "status": "存续",
             "routing_state": "not_routed", "business_scope": "日用百货销售"}
            for i, code in enumerate(sorted(codes))]


def entry_rows(entities: list[tuple[int, str]], unit_id: int, rng: random.Random
               ) -> list[dict[str, Any]]:
    """LISTED_SHARE of the entities on a list in force; a fifth as many entries removed."""
    now = datetime.now(UTC)
    listed = rng.sample(entities, int(len(entities) * LISTED_SHARE))
    removed = rng.sample(entities, len(listed) // 5)
    rows = []
    for status, chosen in ((ListStatus.LISTED, listed), (ListStatus.REMOVED, removed)):
        for n, (entity_id, uscc) in enumerate(chosen):
            serious = n % 3 == 0
            day = date(2024 + n % 2, 1 + n % 12, 1 + n % 28)
            rows.append({
                "list_type": (ListType.SERIOUS if serious else ListType.ABNORMAL).name,
                "status": status.name, "entity_id": entity_id, "party_name": f"测试企业{n}",
                "party_uscc": uscc, "marked_only": uscc.startswith("92") and not serious,
                "org_unit_id": unit_id, "area_code": AREA, "reason": "1",
                "trigger_source": "entered", "trigger_date": day,
                "decision_number": f"保市监异入〔2026〕第{n}号", "listed_on": day,
                "ends_on": day.replace(year=day.year + 3), "created_by": "bench",
                "created_at": now, "updated_at": now})
    return rows


def measures(rng: random.Random) -> list[dict[str, Any]]:
    """100 measures over every action type and both lists."""
    found = []
    for n in range(100):
        found.append({
            "code": f"B{n:03d}", "list_type": "serious" if n % 3 else "abnormal",
            "title": f"联合惩戒措施{n}",
            "basis_document": "关于对失信企业协同监管和联合惩戒合作备忘录",
            "basis_clause": f"第{n % 20 + 1}项", "initiating_department": "amr",
            "implementing_departments": rng.sample(credit_check.DEPARTMENTS, 3),
            "actions": rng.sample(credit_check.ACTIONS, 2),
            "period_years": 3 if n % 10 == 0 else None})
    return found


def copy_rows(engine: Engine, table: str, rows: list[dict[str, Any]]) -> None:
    """PostgreSQL's COPY: a million rows in seconds rather than minutes."""
    columns = list(rows[0])
    with engine.begin() as conn:
        cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
        with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row([row[c] for c in columns])
    progress(f"  {len(rows):,} rows copied into {table}")


def build(engine: Engine, sessions: Any, count: int, rng: random.Random
          ) -> tuple[list[str], int]:
    """Fill the database; returns every code, and the unit that checks."""
    with engine.begin() as conn:
        unit_id = conn.execute(insert(OrgUnit).values(
            code="530502-amr", name="隆阳区市场监管局", kind=OrgKind.DEPARTMENT.name,
            area_code=AREA, path="/1/").returning(OrgUnit.id)).scalar_one()
    rows = entity_rows(count, rng)
    if engine.dialect.name == "postgresql":
        copy_rows(engine, MarketEntity.__tablename__, rows)
    else:
        for start in range(0, len(rows), BATCH):
            with engine.begin() as conn:
                conn.execute(insert(MarketEntity), rows[start:start + BATCH])
    with engine.connect() as conn:
        entities = [(i, u) for i, u in conn.execute(select(MarketEntity.id, MarketEntity.uscc))]
    entries = entry_rows(entities, unit_id, rng)
    for start in range(0, len(entries), BATCH):
        with engine.begin() as conn:
            conn.execute(insert(CreditListEntry), entries[start:start + BATCH])
    progress(f"  {len(entries):,} list entries")
    with transaction(sessions) as session:
        credit_check.publish_catalogue(session, Actor("bench", "bench"), measures(rng),
                                       "bench catalogue")
    with engine.begin() as conn:
        # This schema's tables by name: a bare ANALYZE on PostgreSQL walks the whole
        # database, and waits on the locks of whoever else uses it.
        for table in ("market_entity", "credit_list_entry", "credit_measure", "org_unit"):
            conn.execute(text(f"ANALYZE {table}"))
    return [u for _i, u in entities], unit_id


def single_checks(sessions: Any, codes: list[str], unit_id: int, samples: int,
                  rng: random.Random) -> list[float]:
    actor, seconds = Actor("bench", "bench"), []
    with sessions() as session:
        for n in range(samples):
            code, action = rng.choice(codes), rng.choice(credit_check.ACTIONS)
            began = time.perf_counter()
            credit_check.check_one(session, actor, code, action, unit_id=unit_id)
            seconds.append(time.perf_counter() - began)
            if n % 50 == 49:
                session.commit()
        session.commit()
    return seconds


def batch_checks(sessions: Any, codes: list[str], unit_id: int, rounds: int,
                 rng: random.Random) -> tuple[list[float], int]:
    actor, seconds, hits = Actor("bench", "bench"), [], 0
    for _ in range(rounds):
        batch = rng.sample(codes, 10_000)
        with sessions() as session:
            began = time.perf_counter()
            report = credit_check.check_codes(session, actor, batch, rng.choice(
                credit_check.ACTIONS), unit_id=unit_id, origin="batch")
            session.commit()
            seconds.append(time.perf_counter() - began)
            hits = max(hits, report.restricted)
    return seconds, hits


def main() -> None:
    args = argparse.ArgumentParser(description=__doc__)
    args.add_argument("--quick", action="store_true", help="50,000 entities, fewer samples")
    args.add_argument("--entities", type=int)
    options = args.parse_args()
    count = options.entities or (50_000 if options.quick else 1_000_000)
    samples, rounds = (300, 3) if options.quick else (2000, 10)
    with tempfile.TemporaryDirectory() as tmp:
        for backend in backends():
            rng = random.Random(530500)
            with database(backend, Path(tmp)) as engine:
                sessions = session_factory(engine, Settings(var_dir=Path(tmp)))
                progress(f"{backend}: building {count:,} entities")
                began = time.perf_counter()
                codes, unit_id = build(engine, sessions, count, rng)
                progress(f"{backend}: built in {time.perf_counter() - began:.1f}s; timing")
                single_checks(sessions, codes, unit_id, 20, rng)  # warm the caches
                figure = summary_ms(single_checks(sessions, codes, unit_id, samples, rng))
                emit(bench="credit_check", backend=backend, entities=count,
                     figure="single_check", **figure, target_p95_ms=TARGET_P95_MS,
                     meets_target=figure["p95_ms"] <= TARGET_P95_MS)
                seconds, restricted = batch_checks(sessions, codes, unit_id, rounds, rng)
                rates = [10_000 / s for s in seconds]
                emit(bench="credit_check", backend=backend, entities=count,
                     figure="batch_10000", rounds=rounds,
                     median_checks_per_s=round(statistics.median(rates)),
                     worst_checks_per_s=round(min(rates)),
                     restricted_in_a_batch=restricted, target_checks_per_s=TARGET_PER_SECOND,
                     meets_target=statistics.median(rates) >= TARGET_PER_SECOND)


if __name__ == "__main__":
    main()
