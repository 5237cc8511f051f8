"""Bulk entry of enterprise information: 100,000 penalty records of one department.

Registers entities (one per five rows), writes a department's penalty file in the national
双公示 headers (about 2% of its rows refused: a name that is not the registered one, a
code the registry does not hold, a date that does not exist), then checks it (the dry run)
and imports it the way the import page does: checked batch by batch with the registry
looked up once per batch, written, each record's info_publication case started through
the runtime's bulk start (stamped from one probe run per batch: engine.runtime.stamping).
Target on SQLite: >= 2,000 rows/s; the import's CPU time is printed too, since a shared
machine stretches the wall time. The reference, measured in
the same run, is the web form's path for a sample of the rows: `new_record` then `submit`,
one record at a time.
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, insert, select  # noqa: E402

from bench.common import backends, database, emit, progress  # noqa: E402
from engine import disclosure  # noqa: E402
from engine.audit import Actor  # noqa: E402
from engine.calendar import seed_from_chinese_calendar  # noqa: E402
from engine.config import Settings  # noqa: E402
from engine.db import session_factory, transaction  # noqa: E402
from engine.disclosure.files import import_records  # noqa: E402
from engine.models import DisclosureRecord, MarketEntity, OrgUnit, RecordStatus  # noqa: E402
from engine.registry.uscc import generate  # noqa: E402
from engine.seed.seeders import seed_baoshan  # noqa: E402

TARGET_ROWS = 2000.0
AREA = "530502"
DEPARTMENT = "530502-psb"
HEADER = ["行政相对人名称", "统一社会信用代码", "行政处罚决定书文号", "处罚决定日期", "法定代表人",
          "违法行为类型", "违法事实", "处罚依据", "程序", "处罚类别", "处罚内容",
          "罚款金额（万元）", "所属领域", "处罚机关", "处罚机关统一社会信用代码"]
KINDS = ["罚款", "警告", "警告、罚款", "罚款", "通报批评"]


def register(sessions, count: int, seed: int = 5305) -> list[tuple[str, str]]:
    """`count` entities of the area, inserted at once; their (USCC, name)."""
    rng = random.Random(seed)
    codes: set[str] = set()
    while len(codes) < count:
        codes.add(generate(rng, AREA, rng.choice(["91", "92"])))
    entities = [(code, f"保山市隆阳区测试{i}商行") for i, code in enumerate(sorted(codes))]
    with transaction(sessions) as session:
        session.execute(insert(MarketEntity.__table__), [
            {"uscc": code, "name": name, "area_code": AREA, "status": "存续",
             "routing_state": "not_routed", "business_scope": "日用百货销售"}
            for code, name in entities])
    return entities


def write_penalties(path: Path, rows: int, entities: list[tuple[str, str]], unknown: str,
                    seed: int = 5305) -> int:
    """A penalty file; returns how many of its rows are bad."""
    rng = random.Random(seed)
    bad = 0
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(HEADER)
        for i in range(rows):
            code, name = rng.choice(entities)
            decided = date(2026, 1, 5) + timedelta(days=rng.randrange(60))
            day = decided.isoformat()
            flaw = rng.random()
            if flaw < 0.007:
                name, bad = name + "分店", bad + 1
            elif flaw < 0.014:
                code, bad = unknown, bad + 1
            elif flaw < 0.02:
                day, bad = f"{decided.year}-02-30", bad + 1
            kind = rng.choice(KINDS)
            writer.writerow([
                name, code, f"隆公（治）行罚决字〔2026〕{i + 1}号", day, "张伟", "违反治安管理",
                "经查，当事人在经营场所内违反治安管理规定。", "《治安管理处罚法》第五十四条",
                "普通程序", kind, f"{kind}，罚款五百元", "0.05" if "罚款" in kind else "",
                "general", "保山市公安局隆阳分局", "11530502MB1234567D"])
    return bad


def reference(sessions, actor: Actor, department_id: int, entities, count: int) -> float:
    """Seconds for `count` records through the web form's path, one at a time."""
    began = time.perf_counter()
    with transaction(sessions) as session:
        department = session.get(OrgUnit, department_id)
        for i in range(count):
            code, name = entities[i % len(entities)]
            record = disclosure.new_record(session, actor, "penalty", {
                "party_uscc": code, "party_name": name, "decision_number": f"参照{i}号",
                "decision_date": "2026-02-02", "legal_representative": "张伟",
                "violation_type": "违反治安管理", "facts": "经查，当事人违反治安管理规定。",
                "legal_basis": "《治安管理处罚法》第五十四条", "procedure": "general",
                "penalty_category": ["fine"], "content": "罚款五百元", "fine": "0.05",
                "sector": "general", "authority_name": "保山市公安局隆阳分局",
                "authority_uscc": "11530502MB1234567D"}, department=department)
            disclosure.submit(session, actor, record.id)
    return time.perf_counter() - began


def run(backend: str, rows: int, sample: int, workdir: Path) -> dict[str, float]:
    with database(backend, workdir) as engine:
        sessions = session_factory(engine, Settings(var_dir=workdir))
        actor = Actor("bench", "bench")
        with transaction(sessions) as session:
            seed_baoshan(session, actor)
            seed_from_chinese_calendar(session, actor)
            department_id = session.execute(select(OrgUnit.id).where(
                OrgUnit.code == DEPARTMENT)).scalar_one()
        entities = register(sessions, max(rows // 5, 100))
        unknown = generate(random.Random(1), AREA, "91")
        path = workdir / "penalties.csv"
        bad = write_penalties(path, rows, entities, unknown)
        progress(f"{backend}: checking {rows:,} penalty rows")
        began = time.perf_counter()
        checked = import_records(sessions, actor, path, "penalty", department_id,
                                 dry_run=True)
        check_seconds = time.perf_counter() - began
        progress(f"{backend}: importing {checked.valid:,} valid rows")
        began, cpu = time.perf_counter(), time.process_time()
        done = import_records(sessions, actor, path, "penalty", department_id)
        import_seconds = time.perf_counter() - began
        import_cpu = time.process_time() - cpu  # this process only: the machine may be shared
        with transaction(sessions) as session:
            submitted = session.execute(select(func.count(DisclosureRecord.id)).where(
                DisclosureRecord.status == RecordStatus.SUBMITTED)).scalar_one()
        assert checked.invalid == bad == done.invalid and done.created == rows - bad, (
            checked.invalid, bad, done.created)
        assert submitted == done.created
        progress(f"{backend}: reference, {sample:,} records one at a time")
        reference_seconds = reference(sessions, actor, department_id, entities, sample)
    return {"check": check_seconds, "import": import_seconds, "import_cpu": import_cpu,
            "created": done.created,
            "invalid": done.invalid, "reference": reference_seconds}


def main() -> None:
    args = argparse.ArgumentParser(description=__doc__)
    args.add_argument("--quick", action="store_true", help="3,000 rows, 200 in the reference")
    args.add_argument("--rows", type=int)
    options = args.parse_args()
    rows = options.rows or (3_000 if options.quick else 100_000)
    sample = 200 if options.quick else 2000
    with tempfile.TemporaryDirectory() as tmp:
        for backend in backends():
            figures = run(backend, rows, sample, Path(tmp))
            check_rate = rows / figures["check"]
            import_rate = rows / figures["import"]
            reference_rate = sample / figures["reference"]
            emit(bench="records", backend=backend, rows=rows, created=figures["created"],
                 refused=figures["invalid"], check_seconds=round(figures["check"], 2),
                 import_seconds=round(figures["import"], 2),
                 import_cpu_seconds=round(figures["import_cpu"], 2),
                 import_rows_per_cpu_s=round(rows / figures["import_cpu"], 1),
                 check_rows_per_s=round(check_rate, 1), import_rows_per_s=round(import_rate, 1),
                 reference_rows_per_s=round(reference_rate, 1),
                 reference="new_record + submit, one record at a time",
                 speedup=round(import_rate / reference_rate, 1),
                 target_rows_per_s=TARGET_ROWS,
                 meets_target=import_rate >= TARGET_ROWS if backend == "sqlite" else None)


if __name__ == "__main__":
    main()
