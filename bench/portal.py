"""The public portal over a large registry: 1,000,000 entities with 3,000,000 records.

Times the name search (a random 2–4 character part of a random entity's name, 20 results)
through the text index, against a plain `LIKE '%…%'` scan of the same query in the same
run, and the entity page (the public view with its published records), each both as the
engine call and as the whole HTTP response (Flask test client: rate count, render).
Targets: search p95 <= 50 ms, entity page p95 <= 30 ms, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

# The project, not bench/, first on the path: bench/http.py would hide the standard library's
# http, which the web stack imports.
sys.path[0] = str(Path(__file__).resolve().parent.parent)

from sqlalchemy import Engine, insert, select, text  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from bench.common import backends, database, emit, progress, summary_ms, timed  # noqa: E402
from engine.config import Settings  # noqa: E402
from engine.db import session_factory  # noqa: E402
from engine.disclosure.public import public_entity  # noqa: E402
from engine.models import (  # noqa: E402
    DataSource,
    DisclosureRecord,
    MarketEntity,
    OrgKind,
    OrgUnit,
    RecordStatus,
)
from engine.models.search import GRAMS_INDEX, POSTGRES_CREATE  # noqa: E402
from engine.registry.search import (  # noqa: E402
    _indexed_matches,
    index_names,
    like_matches,
    search_entities,
)
from engine.registry.uscc import check_character  # noqa: E402

SEARCH_P95_MS = 50.0
PAGE_P95_MS = 30.0
AREAS = {"530502": "隆阳", "530521": "施甸", "530523": "龙陵", "530524": "昌宁", "530581": "腾冲"}
# Name parts as registrations have them: a place, a trade name, a trade, a form.
TRADE_CHARS = ("永昌兴盛华泰鑫源恒达丰宏福瑞祥和顺安康金银玉林森茂佳美新旺德诚信合益民众"
               "天地光明云南保山滇西高黎贡怡乐春秋宝龙凤锦绣鸿运嘉禾景腾冲翠湖松竹梅兰菊")
TRADES = ("餐饮", "商贸", "科技", "建材", "农业开发", "食品", "茶业", "咖啡", "汽车维修", "五金",
          "服装", "烟酒", "药房", "物流", "装饰工程", "文化传媒", "养殖", "酒店", "电子", "超市")
FORMS = ("有限公司", "有限责任公司", "经营部", "店", "专业合作社", "商行", "个体工商户")
CATEGORIES = ("penalty", "licence", "spot_check", "honour", "qualification")
BATCH = 20_000


def entity_rows(count: int, rng: random.Random, now: datetime) -> Iterator[dict[str, Any]]:
    areas = list(AREAS)
    for i in range(count):
        area = areas[i % len(areas)]
        trade_name = "".join(rng.choice(TRADE_CHARS) for _ in range(rng.choice((2, 2, 3))))
        name = (rng.choice(("保山市", "", AREAS[area])) + trade_name + rng.choice(TRADES)
                + rng.choice(FORMS))
        body = f"91{area}{i:09d}"
        yield {"uscc": body + check_character(body), "name": name, "area_code": area,
               "legal_representative": "张" + rng.choice(TRADE_CHARS),
               "phone": f"139{i:08d}", "address": f"保山市{AREAS[area]}永昌路{i % 999}号",
               "business_scope": "餐饮服务；食品销售", "status": "存续",
               "routing_state": "not_routed", "created_at": now, "updated_at": now}


def record_rows(entity_ids: list[int], per_entity: int, unit_id: int, rng: random.Random,
                now: datetime) -> Iterator[dict[str, Any]]:
    number = 0
    for entity_id in entity_ids:
        for _ in range(per_entity):
            number += 1
            status = RecordStatus.PUBLISHED if rng.random() < 0.8 else rng.choice(
                (RecordStatus.WITHDRAWN, RecordStatus.EXPIRED, RecordStatus.DRAFT))
            yield {"public_ref": f"{number:016x}", "category": rng.choice(CATEGORIES),
                   "entity_id": entity_id, "party_name": "-", "party_uscc": "-",
                   "source_org_id": unit_id, "area_code": "530502",
                   "decision_number": f"隆市监罚〔2026〕{number}号",
                   "decision_date": date(2026, 1, 1) - timedelta(days=number % 700),
                   "fields": {"content": "罚款人民币五千元", "internal_note": "内部"},
                   "publishable": True, "status": status.name, "data_source":
                   DataSource.ENTERED.name, "backfilled": False, "entered_by": "bench",
                   "entered_at": now, "published_at": now, "updated_at": now,
                   "publication_ends_on": date(2029, 1, 1)}


def build(engine: Engine, entities: int, per_entity: int, rng: random.Random) -> list[str]:
    """Fill the database; returns the names, for picking queries."""
    now = datetime.now(UTC)
    postgres = engine.dialect.name == "postgresql"
    names: list[str] = []
    with engine.begin() as conn:
        if postgres:  # load first, index after: much faster than a GIN index per row
            conn.execute(text(f"DROP INDEX {GRAMS_INDEX}"))
        unit_id = conn.execute(insert(OrgUnit).values(
            code="530502-amr", name="隆阳区市场监管局", kind=OrgKind.DEPARTMENT.name,
            area_code="530502", path="/1/").returning(OrgUnit.id)).scalar_one()
    rows = entity_rows(entities, rng, now)
    while chunk := [row for _, row in zip(range(BATCH), rows, strict=False)]:
        with engine.begin() as conn:
            conn.execute(insert(MarketEntity), chunk)
            if not postgres:
                ids = conn.execute(select(MarketEntity.id, MarketEntity.name).where(
                    MarketEntity.uscc.in_([r["uscc"] for r in chunk]))).all()
                index_names(conn, dict(ids))  # type: ignore[arg-type]
        names += [r["name"] for r in chunk]
        progress(f"  {len(names):,} entities")
    with engine.connect() as conn:
        all_ids = list(conn.scalars(select(MarketEntity.id).order_by(MarketEntity.id)))
    records = record_rows(all_ids, per_entity, unit_id, rng, now)
    done = 0
    while chunk := [row for _, row in zip(range(BATCH), records, strict=False)]:
        with engine.begin() as conn:
            conn.execute(insert(DisclosureRecord), chunk)
        done += len(chunk)
        if done % (BATCH * 10) == 0:
            progress(f"  {done:,} records")
    with engine.begin() as conn:
        if postgres:
            conn.execute(text(POSTGRES_CREATE[1]))
            conn.execute(text("ANALYZE"))
        else:
            conn.execute(text("ANALYZE"))
    return names


def queries(names: list[str], count: int, rng: random.Random) -> list[str]:
    """Random 2–4 character parts of random names (from anywhere in the name)."""
    out = []
    while len(out) < count:
        name = rng.choice(names)
        size = rng.choice((2, 3, 4))
        if len(name) >= size:
            start = rng.randrange(len(name) - size + 1)
            out.append(name[start:start + size])
    return out


def measure(engine: Engine, tmp: Path, names: list[str], samples: int, rng: random.Random
            ) -> Iterator[dict[str, Any]]:
    settings = Settings(var_dir=tmp / "var", database_url=_url(engine))
    sessions = session_factory(engine, settings)
    parts = queries(names, samples, rng)
    with engine.connect() as conn:
        codes = list(conn.scalars(select(MarketEntity.uscc).order_by(MarketEntity.id)
                                  .offset(rng.randrange(max(1, len(names) - samples)))
                                  .limit(samples)))
    with sessions() as session:
        yield from _pair(session, "name_search", parts, SEARCH_P95_MS,
                         lambda s, q: search_entities(s, q),
                         lambda s, q: _load(s, like_matches(s, q, 20)))
        yield from _pair(session, "name_search_index_only", parts, SEARCH_P95_MS,
                         lambda s, q: _indexed_matches(s, q, 20),
                         lambda s, q: like_matches(s, q, 20))
        yield _figure("entity_page_engine", _each(session, codes, public_entity), PAGE_P95_MS)
    client = _client(settings)
    yield _figure("name_search_http", _http(client, [f"/public/?q={q}" for q in parts]),
                  SEARCH_P95_MS)
    yield _figure("entity_page_http", _http(client, [f"/public/{c}" for c in codes]),
                  PAGE_P95_MS)


def _pair(session: Session, name: str, parts: list[str], target: float,
          indexed: Callable[[Session, str], Any], plain: Callable[[Session, str], Any]
          ) -> Iterator[dict[str, Any]]:
    fast = _each(session, parts, indexed)
    slow = _each(session, parts[: max(10, len(parts) // 10)], plain)  # the scan is slow
    figure = _figure(name, fast, target)
    figure["like_p95_ms"] = summary_ms(slow)["p95_ms"]
    figure["like_p50_ms"] = summary_ms(slow)["p50_ms"]
    figure["speedup_p95"] = round(figure["like_p95_ms"] / max(figure["p95_ms"], 1e-6), 1)
    yield figure


def _each(session: Session, values: list[str], call: Callable[[Session, str], Any]
          ) -> list[float]:
    call(session, values[0])  # warm the caches once
    out = []
    for value in values:
        out += timed(lambda v=value: call(session, v), 1)  # type: ignore[misc]
        session.expunge_all()
    return out


def _load(session: Session, ids: list[int]) -> list[MarketEntity]:
    return list(session.scalars(select(MarketEntity).where(MarketEntity.id.in_(ids))))


def _http(client: Any, urls: list[str]) -> list[float]:
    client.get(urls[0])
    out = []
    for url in urls:
        start = time.perf_counter()
        response = client.get(url)
        out.append(time.perf_counter() - start)
        assert response.status_code == 200, (url, response.status_code)
    return out


def _figure(name: str, seconds: list[float], target: float) -> dict[str, Any]:
    figures = summary_ms(seconds)
    return {"query": name, **figures, "target_p95_ms": target,
            "meets_target": figures["p95_ms"] <= target}


def _url(engine: Engine) -> str:
    url = engine.url
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            schema = conn.exec_driver_sql("SHOW search_path").scalar()
        url = url.update_query_dict({"options": f"-csearch_path={schema}"})
    return url.render_as_string(hide_password=False)


def _client(settings: Settings) -> Any:
    from webapp import create_app  # the web stack only for the HTTP figures

    app = create_app(settings.replace(portal_rate_limit=10**9))
    return app.test_client()


def main() -> None:
    args = argparse.ArgumentParser(description=__doc__)
    args.add_argument("--quick", action="store_true", help="20,000 entities, fewer samples")
    args.add_argument("--entities", type=int)
    args.add_argument("--per-entity", type=int, default=3, help="records per entity")
    options = args.parse_args()
    entities = options.entities or (20_000 if options.quick else 1_000_000)
    samples = 100 if options.quick else 400
    with tempfile.TemporaryDirectory() as tmp:
        for backend in backends():
            rng = random.Random(530500)
            with database(backend, Path(tmp)) as engine:
                records = options.per_entity * entities
                progress(f"{backend}: building {entities:,} entities, {records:,} records")
                began = time.perf_counter()
                names = build(engine, entities, options.per_entity, rng)
                progress(f"{backend}: built in {time.perf_counter() - began:.1f}s; timing")
                for figure in measure(engine, Path(tmp), names, samples, rng):
                    emit(bench="portal", backend=backend, entities=entities,
                         records=records, **figure)


if __name__ == "__main__":
    main()
