"""Generated registration files (valid USCCs, realistic scopes) for tests, benchmarks, demos."""

from __future__ import annotations

import csv
import random
from collections.abc import Iterator, Sequence
from datetime import date, timedelta
from pathlib import Path

from engine.registry.uscc import generate
from engine.seed.baoshan import COUNTIES

HEADERS = ["统一社会信用代码", "企业名称", "市场主体类型", "法定代表人", "联系电话",
           "成立日期", "核准日期", "注册资本（万元）", "住所", "经营范围", "登记机关",
           "登记状态", "行政区划代码", "乡镇（街道）", "行业代码"]
APPROVAL_NOTE = "。（依法须经批准的项目，经相关部门批准后方可开展经营活动）"

# Scope phrases as AMR registrations word them; most entities need no licence at all.
LICENSED_SCOPES = [
    "餐饮服务", "食品销售", "危险化学品经营", "道路货物运输（不含危险货物）", "道路旅客运输经营",
    "医疗服务", "娱乐性场所经营活动", "互联网上网服务", "旅行社业务", "建设工程施工",
    "危险废物经营", "劳务派遣服务", "民办职业技能培训", "农药零售", "兽药经营", "旅馆业",
    "印章刻制", "保安服务", "烟草制品零售", "林木种子生产经营", "木材经营", "药品零售",
]
GENERAL_SCOPES = [
    "日用百货销售", "五金产品零售", "服装服饰零售", "技术服务、技术开发、技术咨询",
    "信息咨询服务（不含许可类信息咨询服务）", "家用电器销售", "办公用品销售", "农副产品销售",
    "广告设计、代理", "企业管理咨询", "摄影扩印服务", "园林绿化工程施工", "普通货物仓储服务",
]
KINDS = [("91", "有限责任公司（自然人投资或控股）", "有限公司"), ("92", "个体工商户", "经营部"),
         ("93", "农民专业合作社", "种植专业合作社")]
SURNAMES = "张王李赵刘陈杨黄周吴徐孙朱马胡郭何高林罗"
WORDS = "永昌兴隆鑫源瑞丰德盛泰和华宝山高黎贡云岭腾越滇西"


def sample_rows(count: int, seed: int = 2026,
                counties: Sequence[tuple[str, str]] = COUNTIES) -> Iterator[list[str]]:
    """`count` valid, distinct registrations in the counties (code, name); about one in
    three needs a licence."""
    rng = random.Random(seed)
    seen: set[str] = set()
    while len(seen) < count:
        area, area_name = rng.choice(counties)
        prefix, kind, suffix = rng.choices(KINDS, weights=(6, 3, 1))[0]
        code = generate(rng, area, prefix)
        if code in seen:
            continue
        seen.add(code)
        number = len(seen)
        scope = rng.sample(GENERAL_SCOPES, rng.randint(1, 3))
        if rng.random() < 0.35:
            at = rng.randrange(len(scope) + 1)
            scope[at:at] = rng.sample(LICENSED_SCOPES, rng.randint(1, 2))
        founded = date(2015, 1, 1) + timedelta(days=rng.randrange(4000))
        name = "".join(rng.sample(WORDS, 4))
        approved = founded + timedelta(days=rng.randrange(900))
        yield [
            code, f"保山市{area_name}{name}{suffix}{number}", kind,
            rng.choice(SURNAMES) + rng.choice(WORDS), f"13{rng.randrange(10**9):09d}",
            founded.isoformat(), approved.isoformat(),
            str(rng.choice((3, 5, 10, 50, 100, 500, 1000))),
            f"云南省保山市{area_name}{name}路{rng.randint(1, 300)}号",
            "；".join(scope) + APPROVAL_NOTE, f"{area_name}市场监督管理局", "存续", area, "",
            "5211",
        ]


def write_sample_csv(path: Path, count: int, seed: int = 2026, encoding: str = "utf-8-sig"
                     ) -> Path:
    """A CSV of `count` generated registrations, with the headers of an AMR export."""
    with path.open("w", encoding=encoding, newline="") as out:
        writer = csv.writer(out)
        writer.writerow(HEADERS)
        writer.writerows(sample_rows(count, seed))
    return path
