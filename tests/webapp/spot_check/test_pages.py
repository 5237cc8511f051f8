"""The spot-check pages: an administrator creates a task, sees its number, draws with
confirmation, sees the sealed record; an auditor replays it; a void needs a reason; a
recusal re-draws one officer; zh pages show no English."""

from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import select

from engine import spot_check
from engine.models import (
    ConflictOfInterest,
    MarketEntity,
    OrgKind,
    OrgUnit,
    PlanState,
    Role,
    SpecialPool,
    SpotCheckDraw,
    SpotCheckPlan,
    SpotCheckTask,
    WorkItem,
)
from engine.org.units import add_org_unit, add_user
from tests.factories import PASSWORD, SETUP
from tests.spot_check_world import add_entities, add_item, add_officers, make_task
from tests.webapp.test_i18n import visible_text

pytestmark = pytest.mark.usefixtures("traveller")
# Data that is Latin by nature: hashes, the algorithm's name, the test users' names.
DATA = re.compile(r"\b[0-9a-f]{64}\b|hmac-sha256-ctr-v1|\boff\d{3}\b"
                  r"|\b(zhang|chen|yang|zhou|sun)\b")


@pytest.fixture
def stocked(app_sessions, world):
    with app_sessions() as session:
        item = add_item(session, "食品-01")
        add_entities(session, 40)
        add_officers(session, world, 4)
        session.commit()
    return item


def create_task(client, item: int, **extra):
    data = {"title": "2026年食品经营者抽查", "items": str(item), "inspection_date": "2026-03-16",
            "deadline": "2026-04-30", "ratio_percent": "10", "officers_per_target": "2",
            "yearly_cap": "2", **extra}
    return client.post("/spot-checks/tasks/new", data)


def test_an_administrator_creates_draws_and_an_auditor_replays(login, stocked, app_sessions):
    zhang = login("zhang")
    assert zhang.get("/spot-checks/tasks/new").status_code == 200
    made = create_task(zhang, stocked)
    assert made.status_code == 302
    page = zhang.get(made.headers["Location"]).get_data(as_text=True)
    assert "隆市监抽查〔2026〕1号" in page and 'id="draw"' in page and "data-confirm" in page
    task_id = int(made.headers["Location"].rsplit("/", 1)[1])
    drawn = zhang.post(f"/spot-checks/tasks/{task_id}/draw")
    assert drawn.status_code == 302
    page = zhang.get(f"/spot-checks/tasks/{task_id}").get_data(as_text=True)
    with app_sessions() as session:
        draw = session.execute(select(SpotCheckDraw)).scalar_one()
    assert draw.seed in page and draw.pool_hash in page and draw.result_hash in page
    assert 'id="draw"' not in page  # drawn: no second draw button
    assert len(re.findall(r'<td class="team">', page)) == 4  # 10% of 40
    again = zhang.post(f"/spot-checks/tasks/{task_id}/draw")
    assert "不能重复抽取" in zhang.get(again.headers["Location"]).get_data(as_text=True)
    audit = login("audit")
    replayed = audit.post(f"/spot-checks/draws/{draw.id}/verify")
    assert "重放结果与封存结果一致" in audit.get(replayed.headers["Location"]).get_data(
        as_text=True)
    assert login("chen").post(f"/spot-checks/draws/{draw.id}/verify").status_code == 403


def test_a_void_needs_a_reason_and_then_the_task_draws_again(login, stocked, app_sessions):
    zhang = login("zhang")
    task_id = int(create_task(zhang, stocked).headers["Location"].rsplit("/", 1)[1])
    zhang.post(f"/spot-checks/tasks/{task_id}/draw")
    with app_sessions() as session:
        first = session.execute(select(SpotCheckDraw)).scalar_one().id
    back = zhang.sent_back(f"/spot-checks/draws/{first}/void", {"reason": ""})
    assert back.anchor == "field-reason"
    zhang.post(f"/spot-checks/draws/{first}/void", {"reason": "抽查范围设置错误"})
    page = zhang.get(f"/spot-checks/tasks/{task_id}").get_data(as_text=True)
    assert "抽查范围设置错误" in page and 'id="draw"' in page
    zhang.post(f"/spot-checks/tasks/{task_id}/draw")
    with app_sessions() as session:
        assert len(session.execute(select(SpotCheckDraw)).all()) == 2


def test_a_recusal_from_the_page_redraws_one_officer(login, stocked, app_sessions):
    zhang = login("zhang")
    task_id = int(create_task(zhang, stocked).headers["Location"].rsplit("/", 1)[1])
    zhang.post(f"/spot-checks/tasks/{task_id}/draw")
    with app_sessions() as session:
        draw = session.execute(select(SpotCheckDraw)).scalar_one()
    entity, team = draw.result["targets"][0]
    done = zhang.post(f"/spot-checks/draws/{draw.id}/recuse",
                      {"target": f"{entity}:{team[0]}", "reason": "曾在该企业任职"})
    assert "已回避" in zhang.get(done.headers["Location"]).get_data(as_text=True)
    with app_sessions() as session:
        kinds = [d.kind.value for d in session.execute(select(SpotCheckDraw)).scalars()]
    assert kinds == ["targets", "recusal"]


def test_too_few_officers_is_said_with_the_shortfall(login, app_sessions, world):
    with app_sessions() as session:
        item = add_item(session, "食品-02", qualification="特种设备")
        add_entities(session, 10)
        add_officers(session, world, 3)
        session.commit()
    zhang = login("zhang")
    task_id = int(create_task(zhang, item).headers["Location"].rsplit("/", 1)[1])
    page = zhang.get(zhang.post(f"/spot-checks/tasks/{task_id}/draw").headers["Location"]
                     ).get_data(as_text=True)
    assert "0 人符合条件，每个对象需要 2 人" in page and "特种设备" in page


def test_a_ratio_below_three_percent_comes_back_to_its_field(login, stocked, app_sessions):
    zhang = login("zhang")
    page = zhang.sent_back("/spot-checks/tasks/new", {
        "title": "x", "items": str(stocked), "inspection_date": "2026-03-16",
        "deadline": "2026-04-30", "ratio_percent": "1", "officers_per_target": "2",
        "yearly_cap": "2"})
    assert page.anchor == "field-ratio_percent"
    with app_sessions() as session:
        assert session.execute(select(SpotCheckTask)).first() is None


def test_the_pages_show_one_language(login, stocked):
    zhang = login("zhang")
    task_id = int(create_task(zhang, stocked).headers["Location"].rsplit("/", 1)[1])
    zhang.post(f"/spot-checks/tasks/{task_id}/draw")
    zhang.post("/spot-checks/plans", {"year": "2026", "title": "年度计划"})
    for url in ("/spot-checks/", "/spot-checks/items", "/spot-checks/officers",
                "/spot-checks/pools", "/spot-checks/tasks/new", f"/spot-checks/tasks/{task_id}",
                "/spot-checks/plans/1", "/spot-checks/risk-classes"):
        text = visible_text(zhang.get(url).get_data(as_text=True))
        text = re.sub(DATA, " ", text)
        words = set(re.findall(r"[A-Za-z]{3,}", text)) - {"English", "CSV"}  # a file format
        assert words == set(), (url, words)
    zhang.post("/auth/language", {"locale": "en"})
    for url in ("/spot-checks/plans/1", "/spot-checks/risk-classes"):
        text = visible_text(zhang.get(url).get_data(as_text=True))
        for data in ("年度计划", "隆阳区市场监管局", "中文"):  # a title, a unit, the switch
            text = text.replace(data, "")
        assert not re.findall(r"[\u4e00-\u9fff]+", text), url


def test_a_county_plan_is_filed_returned_refiled_and_approved_from_the_inbox(
        login, app_sessions, world):
    with app_sessions() as session:
        add_org_unit(session, "530500-amr", "保山市市场监管局", OrgKind.DEPARTMENT, "530500",
                     session.get(OrgUnit, world.units["city"].id))
        add_user(session, SETUP, "li", "李科长", PASSWORD, "530500-amr", [Role.DEPT_ADMIN])
        session.commit()
    zhang = login("zhang")
    zhang.post("/spot-checks/plans", {"year": "2026", "title": "隆阳区年度抽查计划"})
    with app_sessions() as session:
        plan = session.execute(select(SpotCheckPlan)).scalar_one()
    url = f"/spot-checks/plans/{plan.id}"
    assert "草稿" in zhang.get(url).text
    zhang.post(f"{url}/file")
    li = login("li")
    inbox = li.get("/inbox/?tab=claimable").text
    assert "上级审批计划" in inbox
    with app_sessions() as session:
        item = session.execute(select(WorkItem).where(
            WorkItem.process_key == "spot_check_plan")).scalar_one()
    row = inbox.split(f'data-item="{item.id}"')[1].split("</li>")[0]
    # a plan concerns no entity: the row names the plan, by department, year and title
    assert '<span class="entity">隆阳区市场监管局 · 2026 · 隆阳区年度抽查计划</span>' in row
    assert li.get(f"/tasks/{item.id}").headers["Location"].endswith(url)
    page = li.get(url).text
    assert 'class="decide"' in page and "已向上级报备" in page and "保山市市场监管局" in page
    assert 'class="decide"' not in zhang.get(url).text
    no_reason = li.sent_back(f"{url}/decide", {"decision": "return", "reason": ""})
    assert no_reason.anchor == "field-reason"
    li.post(f"{url}/decide", {"decision": "return", "reason": "抽查比例低于3%"})
    page = zhang.get(url).text
    assert "已退回" in page and "抽查比例低于3%" in page and 'id="revise"' in page
    assert "修改后重新报备" in zhang.get("/inbox/?tab=claimable").text
    zhang.post(f"{url}/file", {"title": "隆阳区年度抽查计划（修订）"})
    assert "上级审批计划" in li.get("/inbox/?tab=claimable").text
    li.post(f"{url}/decide", {"decision": "approve"})
    page = zhang.get(url).text
    assert "已批准" in page and "隆阳区年度抽查计划（修订）" in page
    assert "上级审批计划" not in li.get("/inbox/?tab=claimable").text
    with app_sessions() as session:
        assert session.get(SpotCheckPlan, plan.id).state == PlanState.APPROVED


def test_an_officer_declares_a_conflict_and_an_administrator_records_a_qualification(
        login, app_sessions, world):
    with app_sessions() as session:
        add_entities(session, 1)
        uscc = session.execute(select(MarketEntity.uscc)).scalar_one()
        session.commit()
    chen = login("chen")
    unknown = chen.sent_back("/spot-checks/officers/conflicts",
                             {"uscc": "91530502MA6K0000XX", "relation": "近亲属经营"})
    assert unknown.anchor == "field-uscc"
    chen.post("/spot-checks/officers/conflicts", {"uscc": uscc, "relation": "近亲属经营"})
    zhang = login("zhang")
    zhang.post("/spot-checks/officers/qualifications",
               {"officer": str(world.users["chen"].id), "tag": "特种设备"})
    with app_sessions() as session:
        conflict = session.execute(select(ConflictOfInterest)).scalar_one()
        assert (conflict.user_id, conflict.relation) == (world.users["chen"].id, "近亲属经营")
        assert spot_check.qualifications(session, [world.users["chen"].id]) == {
            world.users["chen"].id: ["特种设备"]}
    page = zhang.get("/spot-checks/officers").get_data(as_text=True)
    assert "特种设备" in page


def test_an_administrator_builds_a_pool_from_pasted_codes_and_a_task_draws_from_it(
        login, app_sessions, world):
    with app_sessions() as session:
        item = add_item(session, "食品-03")
        add_entities(session, 12)
        add_officers(session, world, 2)
        codes = session.execute(select(MarketEntity.uscc).order_by(MarketEntity.id).limit(5)
                                ).scalars().all()
        session.commit()
    zhang = login("zhang")
    back = zhang.sent_back("/spot-checks/pools", {"name": "投诉举报对象", "source": "upload",
                                                  "codes": "91530502MA6K0000XX"})
    assert back.anchor == "field-codes"
    zhang.post("/spot-checks/pools", {"name": "投诉举报对象", "source": "upload",
                                      "codes": "\n".join(codes)})
    page = zhang.get("/spot-checks/pools").get_data(as_text=True)
    assert "投诉举报对象" in page
    with app_sessions() as session:
        pool = session.execute(select(SpecialPool)).scalar_one()
    made = create_task(zhang, item, pool=str(pool.id), ratio_percent="100")
    task_id = int(made.headers["Location"].rsplit("/", 1)[1])
    zhang.post(f"/spot-checks/tasks/{task_id}/draw")
    with app_sessions() as session:
        draw = session.execute(select(SpotCheckDraw)).scalar_one()
        assert draw.pool_size == 5 and len(draw.result["targets"]) == 5


def test_an_item_is_changed_from_its_filled_form(login, app_sessions):
    with app_sessions() as session:
        item = add_item(session, "食品-09")
        session.commit()
    zhang = login("zhang")
    page = zhang.get(f"/spot-checks/items?edit={item}").get_data(as_text=True)
    assert 'value="食品-09"' in page and "从业人员健康证" in page
    zhang.post("/spot-checks/items", {
        "item_id": str(item), "code": "食品-09", "name": "食品经营者检查（修订）",
        "sub_items": "许可证公示", "method": "实地核查", "target_type": "食品经营者",
        "ratio_percent": "5", "frequency": "每年一次"})
    with app_sessions() as session:
        changed = spot_check.get_item(session, item)
        assert (changed.name, changed.sub_items, str(changed.ratio_percent)) == (
            "食品经营者检查（修订）", ["许可证公示"], "5.00")
    assert login("chen").get("/spot-checks/items").status_code == 200
    assert "?edit=" not in login("chen").get("/spot-checks/items").get_data(as_text=True)


def test_the_regulator_sets_risk_classes_and_the_entity_card_shows_them(login, app_sessions):
    with app_sessions() as session:
        ids = add_entities(session, 2, risk="B")
        usccs = [session.get(MarketEntity, i).uscc for i in ids]
        session.commit()
    zhang = login("zhang")
    assert 'href="/spot-checks/risk-classes"' in zhang.get("/spot-checks/").text  # sub-menu
    assert 'href="/spot-checks/risk-classes"' not in login("chen").get("/spot-checks/").text
    assert login("chen").get("/spot-checks/risk-classes").status_code == 404
    no_reason = zhang.sent_back("/spot-checks/risk-classes",
                                {"uscc": usccs[0], "risk_class": "D", "reason": ""})
    assert no_reason.anchor == "field-reason"
    zhang.post("/spot-checks/risk-classes", {"uscc": usccs[0], "risk_class": "D",
                                             "reason": "投诉举报较多"})
    page = visible_text(zhang.get("/spot-checks/risk-classes").text)
    assert "投诉举报较多" in page and usccs[0] in page
    assert "风险等级 D" in visible_text(zhang.get(f"/entities/{ids[0]}").text)
    bad = zhang.post("/spot-checks/risk-classes/upload", {
        "file": (io.BytesIO(f"{usccs[0]},A\n{usccs[1]},F\n".encode()), "分类.csv"),
        "reason": "年度分类"}, content_type="multipart/form-data")
    assert bad.status_code == 422
    assert "第 2 行" in visible_text(bad.text) and "不是 A–D 等级" in visible_text(bad.text)
    good = zhang.post("/spot-checks/risk-classes/upload", {
        "file": (io.BytesIO(f"统一社会信用代码,风险分类\n{usccs[0]},A\n{usccs[1]},C\n".encode()),
                 "分类.csv"), "reason": "年度分类"}, content_type="multipart/form-data")
    assert good.status_code == 302
    with app_sessions() as session:
        assert [session.get(MarketEntity, i).risk_class for i in ids] == ["A", "C"]
    rows = visible_text(zhang.get("/spot-checks/risk-classes").text)
    assert rows.index("年度分类") < rows.index("投诉举报较多")  # newest first


def test_a_long_draw_reads_at_a_glance(login, app_sessions, world):
    """Summary figures first, the targets 20 a page (narrowed by name or code), the
    officers' load folded, each sealed draw folded to one line but the standing one."""
    with app_sessions() as session:
        item = add_item(session, "食品-01")
        add_entities(session, 100)
        add_officers(session, world, 6)
        task = make_task(session, world, [item], ratio_percent="45")
        first = spot_check.draw_task(session, world.actor("zhang"), task.id)
        spot_check.void_draw(session, world.actor("zhang"), first.id, "筛选条件有误")
        standing = spot_check.draw_task(session, world.actor("zhang"), task.id)
        session.commit()
        url = f"/spot-checks/tasks/{task.id}"
    zhang = login("zhang")
    page = zhang.get(url).text
    summary = " ".join(visible_text(page[page.index('id="draw-summary"'):page.index(
        "</ul>", page.index('id="draw-summary"'))]).split())
    assert "45 户检查对象" in summary and "100 户在抽取库中" in summary
    assert "6 名检查人员" in summary and "1 次抽取已作废" in summary
    assert "已封存，尚未发布" in page
    assert page.count("<tr><td>抽查测试") == 20 and "第 1–20 个，共 45 个" in page
    assert f'id="draw-{standing.id}" open' in page and f'id="draw-{first.id}" >' in page
    last = zhang.get(f"{url}?page=3").text
    assert last.count("<tr><td>抽查测试") == 5 and "第 41–45 个，共 45 个" in last
    assert "第 3 页，共 3 页" in last
    with app_sessions() as session:
        name = next(e.name for e in session.execute(select(MarketEntity)).scalars()
                    if e.id in spot_check.teams(session, session.get(
                        SpotCheckDraw, standing.id)))
    found = zhang.get(url, query_string={"q": name}).text
    assert f"<tr><td>{name}<br>" in found and "共 " in found
    assert 'id="officer-load"' in page and "off000" in page[page.index('id="officer-load"'):]
