"""Registry import throughput: 100,000 generated registrations, routed, notices started.

Generates a CSV like a market regulator's export (valid USCCs, realistic business
scopes; one registration in five carries one or two licensed activities, about
one notice per four rows, the proportion the two targets below assume), then
imports it the way
`creditflow registry import` does: checked row by row, upserted in batches, each
batch routed through the decision table with its dual-notice instances started.
Targets on SQLite: >= 2,000 rows/s and >= 500 notices started per second.
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

from sqlalchemy import func, select  # noqa: E402

from bench.common import backends, database, emit, progress  # noqa: E402
from engine import domains  # noqa: E402
from engine.audit import Actor  # noqa: E402
from engine.calendar import seed_from_chinese_calendar  # noqa: E402
from engine.config import Settings  # noqa: E402
from engine.db import session_factory, transaction  # noqa: E402
from engine.models import DualNotice, MarketEntity  # noqa: E402
from engine.registry import import_file  # noqa: E402
from engine.registry.uscc import generate  # noqa: E402
from engine.seed.seeders import seed_baoshan  # noqa: E402

TARGET_ROWS = 2000.0
TARGET_NOTICES = 500.0
AREAS = ["530502", "530521", "530523", "530524", "530581"]
PLAIN = ["日用百货销售", "五金产品零售", "服装服饰零售", "办公用品销售", "电子产品销售",
         "农副产品销售", "信息技术咨询服务", "广告设计、代理", "家政服务", "货物进出口",
         "茶叶种植", "咖啡种植", "花卉种植", "文具用品零售", "建筑材料销售"]
LICENSED = ["餐饮服务", "食品销售", "药品零售", "道路普通货物运输", "互联网上网服务",
            "旅行社服务网点旅游招徕、咨询服务", "住宿服务", "烟草制品零售", "农药零售",
            "劳务派遣服务", "危险化学品经营", "房屋建筑和市政基础设施项目工程总承包",
            "印章刻制", "保安服务", "医疗器械经营", "兽药经营", "出版物零售", "木材经营加工"]
HEADER = ["统一社会信用代码", "企业名称", "市场主体类型", "法定代表人", "联系电话", "成立日期",
          "核准日期", "注册资本", "住所", "经营范围", "登记机关", "登记状态", "行政区划代码"]


def write_registrations(path: Path, rows: int, seed: int = 5305) -> None:
    rng = random.Random(seed)
    seen: set[str] = set()
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(HEADER)
        for i in range(rows):
            area = rng.choice(AREAS)
            individual = rng.random() < 0.6
            code = generate(rng, area, "92" if individual else "91")
            while code in seen:
                code = generate(rng, area, "92" if individual else "91")
            seen.add(code)
            scope = rng.sample(PLAIN, rng.randint(1, 3))
            if rng.random() < 0.2:
                scope += rng.sample(LICENSED, rng.randint(1, 2))
            rng.shuffle(scope)
            founded = date(2026, 1, 1) + timedelta(days=rng.randrange(300))
            writer.writerow([
                code, f"保山市测试{i}{'经营部' if individual else '有限公司'}",
                "个体工商户" if individual else "有限责任公司(自然人投资或控股)",
                rng.choice(["张伟", "李娜", "王芳", "杨勇", "段丽", "赵敏"]),
                f"13{rng.randrange(10**9):09d}", founded.isoformat(), founded.isoformat(),
                rng.choice(["10", "50", "100", "500"]), f"云南省保山市某街道{rng.randrange(999)}号",
                "；".join(scope) + "。（依法须经批准的项目，经相关部门批准后方可开展经营活动）",
                "保山市市场监督管理局", "存续", area])


def run(backend: str, path: Path, rows: int, workdir: Path) -> dict[str, float]:
    with database(backend, workdir) as engine:
        sessions = session_factory(engine, Settings(var_dir=workdir))
        actor = Actor("bench", "bench")
        with transaction(sessions) as session:
            seed_baoshan(session, actor)
            seed_from_chinese_calendar(session, actor)
        began = time.perf_counter()
        report = import_file(sessions, actor, path, on_batch=domains.on_registrations(actor))
        seconds = time.perf_counter() - began
        with transaction(sessions) as session:
            entities = session.execute(select(func.count(MarketEntity.id))).scalar_one()
            notices = session.execute(select(func.count(DualNotice.id))).scalar_one()
    assert report.file_error is None and report.invalid == 0, report.summary_line()
    assert entities == rows and notices == report.notices_started
    return {"seconds": seconds, "rows": rows, "notices": notices}


def main() -> None:
    args = argparse.ArgumentParser(description=__doc__)
    args.add_argument("--quick", action="store_true", help="10,000 rows")
    args.add_argument("--rows", type=int)
    options = args.parse_args()
    rows = options.rows or (10_000 if options.quick else 100_000)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "registrations.csv"
        write_registrations(path, rows)
        for backend in backends():
            progress(f"{backend}: importing {rows:,} registrations")
            figures = run(backend, path, rows, Path(tmp))
            row_rate = figures["rows"] / figures["seconds"]
            notice_rate = figures["notices"] / figures["seconds"]
            emit(bench="import", backend=backend, rows=rows, notices=figures["notices"],
                 seconds=round(figures["seconds"], 2), rows_per_s=round(row_rate, 1),
                 notices_per_s=round(notice_rate, 1), target_rows_per_s=TARGET_ROWS,
                 target_notices_per_s=TARGET_NOTICES,
                 meets_target=(row_rate >= TARGET_ROWS and notice_rate >= TARGET_NOTICES)
                 if backend == "sqlite" else None)


if __name__ == "__main__":
    main()
