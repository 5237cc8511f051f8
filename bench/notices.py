"""Dual-notice start throughput: the batch start against one start_process per notice.

Three figures per backend, each in transactions of --batch notices:
- single: `runtime.start_process` once per notice (the reference);
- batch: `runtime.start_processes` for the same requests;
- routed: `routing.route_entities` on new registrations (table lookup, notice
  rows, instances, entity updates, audit) — what an import does per batch.
Prints JSON lines with notices/s. Target: >= 500 notices/s started on SQLite.
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

from sqlalchemy import insert, select  # noqa: E402

from bench.common import backends, database, emit, progress  # noqa: E402
from engine import clock  # noqa: E402
from engine.audit import Actor  # noqa: E402
from engine.calendar import seed_from_chinese_calendar  # noqa: E402
from engine.config import Settings  # noqa: E402
from engine.db import session_factory, transaction  # noqa: E402
from engine.dual_notice.routing import ensure_deployed, route_entities  # noqa: E402
from engine.models import MarketEntity  # noqa: E402
from engine.registry.uscc import generate  # noqa: E402
from engine.runtime import StartRequest, start_process, start_processes  # noqa: E402
from engine.seed.seeders import seed_baoshan  # noqa: E402

TARGET = 500.0
AREAS = ["530502", "530521", "530523", "530524", "530581"]
SCOPES = ["餐饮服务；住宿服务", "食品销售；烟草制品零售", "药品零售", "道路普通货物运输",
          "互联网上网服务", "印章刻制", "劳务派遣服务", "危险化学品经营", "农药零售；兽药经营",
          "建设工程施工", "日用百货销售"]
ACTOR = Actor("bench", "bench")


@dataclass(frozen=True)
class Change:
    entity: MarketEntity
    trigger: str = "new"
    old_scope: str | None = None


def requests(n: int, rng: random.Random) -> list[StartRequest]:
    """Pushes to the police of random areas; deadlines ahead, as routing sets them."""
    claim_due = (clock.now() + timedelta(days=10)).isoformat()
    escalate_due = (clock.now() + timedelta(days=15)).isoformat()
    out = []
    for i in range(n):
        area = rng.choice(AREAS)
        out.append(StartRequest(data={
            "department_org": f"{area}-psb", "registrar_org": f"{area}-amr-reg",
            "area_code": area, "licence_item": "PS-SEAL", "licence_item_name": "特种行业许可",
            "claim_due": claim_due, "escalate_due": escalate_due,
        }, business_key=f"B-{i}", area_code=area))
    return out


def entity_ids(sessions, n: int, rng: random.Random) -> list[int]:  # type: ignore[no-untyped-def]
    seen: set[str] = set()
    rows = []
    while len(rows) < n:
        area = rng.choice(AREAS)
        code = generate(rng, area, "92")
        if code not in seen:
            seen.add(code)
            rows.append(dict(uscc=code, name=f"商户{len(rows)}", area_code=area,
                             business_scope=rng.choice(SCOPES), status="存续",
                             routing_state="not_routed"))
    with transaction(sessions) as session:
        session.execute(insert(MarketEntity), rows)
        return list(session.execute(select(MarketEntity.id).order_by(MarketEntity.id)).scalars())


def figures(backend: str, n: int, batch: int, workdir: Path) -> dict[str, tuple[float, int]]:
    rng = random.Random(5305)
    with database(backend, workdir) as engine:
        sessions = session_factory(engine, Settings(var_dir=workdir))
        with transaction(sessions) as session:
            seed_baoshan(session, ACTOR)
            seed_from_chinese_calendar(session, ACTOR)
            ensure_deployed(session)
        wanted = requests(n, rng)
        out: dict[str, tuple[float, int]] = {}
        began = time.perf_counter()
        for start in range(0, n // 4, batch):
            with transaction(sessions) as session:
                for r in wanted[start:start + batch][: n // 4 - start]:
                    start_process(session, ACTOR, "dual_notice", data=r.data,
                                  business_key=r.business_key, area_code=r.area_code)
        out["single"] = (n // 4 / (time.perf_counter() - began), n // 4)
        began = time.perf_counter()
        for start in range(0, n, batch):
            with transaction(sessions) as session:
                start_processes(session, ACTOR, "dual_notice", wanted[start:start + batch])
        out["batch"] = (n / (time.perf_counter() - began), n)
        ids = entity_ids(sessions, n, rng)
        started, began = 0, time.perf_counter()
        for start in range(0, len(ids), batch):
            with transaction(sessions) as session:
                chunk = session.execute(select(MarketEntity).where(
                    MarketEntity.id.in_(ids[start:start + batch]))).scalars().all()
                started += route_entities(session, ACTOR, [Change(e) for e in chunk])
        elapsed = time.perf_counter() - began
        out["routed"] = (started / elapsed, started)
        out["routed_entities"] = (len(ids) / elapsed, len(ids))
    return out


def main() -> None:
    args = argparse.ArgumentParser(description=__doc__)
    args.add_argument("--quick", action="store_true", help="fewer notices (< 1 minute)")
    args.add_argument("-n", type=int, help="notices per figure")
    args.add_argument("--batch", type=int, default=500, help="notices per transaction")
    options = args.parse_args()
    n = options.n or (2000 if options.quick else 10000)
    with tempfile.TemporaryDirectory() as tmp:
        for backend in backends():
            progress(f"dual-notice starts on {backend}, {n} per figure, batches of "
                     f"{options.batch}")
            result = figures(backend, n, options.batch, Path(tmp))
            single = result["single"][0]
            for name, (rate, count) in result.items():
                unit = "entities_per_s" if name == "routed_entities" else "notices_per_s"
                emit(bench="notices", backend=backend, operation=name, **{unit: round(rate, 1)},
                     n=count, batch=options.batch,
                     speedup=round(rate / single, 2) if unit == "notices_per_s" else None,
                     target=TARGET if name in ("batch", "routed") else None,
                     meets_target=rate >= TARGET if name in ("batch", "routed")
                     and backend == "sqlite" else None)


if __name__ == "__main__":
    main()
