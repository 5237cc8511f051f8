"""A file without an area column: each row's area from its 登记机关 or its USCC, said per
row; and a dry run's preview of where its first rows would go, writing nothing."""

from __future__ import annotations

from engine import domains
from engine.models import DualNotice, MarketEntity
from tests.engine.registry.test_registry import (
    HEADERS,
    code,
    count,
    csv_file,
    entity,
    registration,
    run,
    world,
)

world = world  # fixture
NO_AREA = [h for h in HEADERS if h != "行政区划代码"]


def test_without_an_area_column_the_area_comes_from_the_authority_or_the_uscc(session, world):
    by_authority = registration(**{"登记机关": "腾冲市市场监督管理局", "统一社会信用代码": code()})
    by_code = registration(**{"登记机关": "", "统一社会信用代码": code("530581")})
    nowhere = registration(**{"登记机关": "某某局", "统一社会信用代码": code("110101")})
    report = run(session, csv_file([by_authority, by_code, nowhere], NO_AREA))
    assert report.file_error is None and report.valid == 2 and report.invalid == 1
    assert [(p.row, p.column, p.reason) for p in report.problems] == [
        (4, "行政区划代码", "required")]
    assert report.area_from == {"authority": 1, "uscc": 1}
    assert [(r["row"], r["area_code"], r["area_from"]) for r in report.rows] == [
        (2, "530581", "authority"), (3, "530581", "uscc")]
    assert entity(session, by_authority["统一社会信用代码"]).area_code == "530581"
    assert entity(session, by_code["统一社会信用代码"]).area_code == "530581"


def test_a_blank_area_cell_is_filled_the_same_way_and_a_given_one_is_kept(session, world):
    blank = registration(**{"行政区划代码": ""})
    given = registration()
    report = run(session, csv_file([blank, given], HEADERS))
    assert report.valid == 2 and report.area_from == {"authority": 1}
    assert [r["area_from"] for r in report.rows] == ["authority", None]


def test_a_dry_run_previews_where_rows_would_go_and_writes_nothing(session, world):
    food = registration(**{"经营范围": "餐饮服务；食品销售"})
    seal = registration(**{"经营范围": "印章刻制", "统一社会信用代码": code()})
    none = registration(**{"经营范围": "企业管理咨询", "统一社会信用代码": code()})
    report = run(session, csv_file([food, seal, none], HEADERS), dry_run=True,
                 preview=domains.registration_preview())
    targets = {r["row"]: r["targets"] for r in report.rows}
    police = world.units.get("530502-psb") or world.units.get("530500-psb")
    assert targets[3] == [("PS-SEAL", "特种行业许可（公章刻制）", police.name if police else None)]
    assert targets[2] and all(item for _code, item, _department in targets[2])
    assert targets[4] == [], "nothing matched: the routing-failed pool"
    assert count(session, MarketEntity) == 0 and count(session, DualNotice) == 0
