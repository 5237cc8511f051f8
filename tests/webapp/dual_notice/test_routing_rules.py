"""The routing table edited in the browser: a draft of the version in use, tried on sample
scopes beside it, refused while a rule is wrong, deployed as the next version with why; the
entity's trail says which version routed it."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from engine.dual_notice.routing_table import SHIPPED_TABLE, parse_table
from engine.dual_notice.table_editing import rows_of, table_xml
from engine.models import DecisionTable, RuleDraft
from tests.webapp.dual_notice import notice_world
from tests.webapp.dual_notice.notice_world import push

world = notice_world.world  # fixture
pytestmark = pytest.mark.usefixtures("traveller")
SCOPES = ["餐饮服务；食品销售（仅销售预包装食品）", "宠物美容服务；宠物用品零售",
          "烟草制品零售；酒类经营", "印章刻制；旅馆业"]


def form_of(rows, **extra):  # type: ignore[no-untyped-def]
    data = {}
    for i, row in enumerate(rows):
        for name in ("terms", "excluded", "licence_item", "name", "department", "name_en",
                     "rule_id"):
            data[f"{name}-{i}"] = getattr(row, name) if hasattr(row, name) else row.get(name, "")
    return {**data, **extra}


def test_the_table_read_as_rows_and_written_back_routes_as_before(app_sessions, login):
    login("admin").get("/routing/")  # the shipped table is deployed on first use
    shipped = parse_table(SHIPPED_TABLE.read_bytes())
    with app_sessions() as session:
        rows = rows_of(SHIPPED_TABLE.read_bytes())
        again = parse_table(table_xml(session, rows))
    assert len(again.rules) == len(shipped.rules) == 77
    for scope in SCOPES:
        assert again.evaluate(scope) == shipped.evaluate(scope), scope


def test_a_draft_is_tried_then_deployed_and_routes_new_registrations(app_sessions, login):
    admin = login("admin")
    assert "第 1 版" in admin.get("/routing/").text
    page = admin.get("/routing/draft").text
    assert page.count('<li class="rule-row') == 80  # 77 rules and three empty rows
    with app_sessions() as session:
        rows = rows_of(SHIPPED_TABLE.read_bytes())
    new = {"terms": "宠物美容，宠物洗护", "excluded": "", "licence_item": "AMR-PET-CARE",
           "name": "宠物美容备案", "department": "amr", "name_en": "Pet grooming filing",
           "rule_id": ""}
    saved = admin.post("/routing/draft", form_of([*rows, new], samples="\n".join(SCOPES),
                                                 then="try"))
    assert saved.headers["Location"].endswith("/routing/draft#try")
    tried = admin.get("/routing/draft").text.split('class="worklist trials"')[1]
    pet = tried.split("宠物美容服务")[1].split("</li>")[0]
    flat = pet.replace(" ", "").replace("\n", "")
    assert "有变化" in pet and "在用：公共场所卫生许可<" in flat  # 美容 needs the health permit
    assert "草稿：公共场所卫生许可、宠物美容备案" in flat
    assert tried.count("有变化") == 1  # the other samples route as before

    refused = admin.post("/routing/draft/deploy", {"comment": ""})
    assert "请简要说明此版本改了什么" in admin.get(refused.headers["Location"]).text
    done = admin.post("/routing/draft/deploy", {"comment": "新增宠物美容备案"})
    assert "第 2 版已部署" in admin.get(done.headers["Location"]).text
    with app_sessions() as session:
        latest = session.execute(select(DecisionTable).order_by(
            DecisionTable.version.desc()).limit(1)).scalar_one()
        assert (latest.version, latest.comment, latest.deployed_by) == (
            2, "新增宠物美容备案", "admin")
        assert session.get(RuleDraft, "dual_notice_routing") is None

    entity_id, notices = push(app_sessions, "宠物美容服务")
    assert "530502-amr" in notices  # pushed by the new rule
    trail = login("chen").get(f"/entities/{entity_id}").text.split('id="trail"')[1]
    assert "依据分流规则表第 2 版" in trail


def test_a_wrong_rule_is_marked_and_stops_the_deploy(app_sessions, login):
    admin = login("admin")
    with app_sessions() as session:
        rows = rows_of(SHIPPED_TABLE.read_bytes())
    bad = {"terms": "", "licence_item": "pet care", "name": "宠物", "department": "zoo"}
    admin.post("/routing/draft", form_of([*rows, bad], then="save"))
    page = admin.get("/routing/draft").text
    marked = page.split('class="rule-row has-error"')[1].split("</ul>")[0]
    for why in ("请至少填写一个经营范围用语", "许可事项代码由大写字母", "请选择本市的一个部门"):
        assert why in marked
    assert 'id="deploy-button" disabled' in page
    refused = admin.post("/routing/draft/deploy", {"comment": "试一下"})
    assert "请先修改标出的规则" in admin.get(refused.headers["Location"]).text
    unchanged = admin.post("/routing/draft", form_of(rows, then="save"))
    assert unchanged.status_code == 302
    same = admin.post("/routing/draft/deploy", {"comment": "原样部署"})
    assert "草稿与第 1 版相同" in admin.get(same.headers["Location"]).text
    gone = admin.post("/routing/draft/discard", {})
    assert "草稿已放弃" in admin.get(gone.headers["Location"]).text
    with app_sessions() as session:
        assert session.get(RuleDraft, "dual_notice_routing") is None


def test_what_deploy_would_refuse_is_worded_on_the_rule_it_concerns(app_sessions, login):
    admin = login("admin")
    with app_sessions() as session:
        rows = rows_of(SHIPPED_TABLE.read_bytes())
    quoted = {"terms": "宠物美容", "excluded": "", "licence_item": "AMR-PET-CARE",
              "name": '宠物"美容"备案', "department": "amr", "rule_id": ""}
    admin.post("/routing/draft", form_of([*rows, quoted], samples=SCOPES[1], then="try"))
    page = admin.get("/routing/draft").text
    # The row itself reads well; the table it makes does not: said on that rule, in Chinese,
    # the table's own words quoted apart; nothing tried, nothing deployed.
    marked = page.split('class="rule-row has-error"')[1].split("</li>\n    ")[0]
    assert f'id="rule-{len(rows)}"' in marked
    problem = marked.split('class="errors deploy-problems"')[1].split("</ul>")[0]
    assert 'data-code="rule_output_unreadable"' in problem
    assert "此规则的每项结果" in problem and "不能含双引号" in problem
    assert '<code class="problem-detail" lang="en">' in problem
    assert 'id="deploy-button" disabled' in page and 'class="worklist trials"' not in page
    refused = admin.post("/routing/draft/deploy", {"comment": "新增宠物美容备案"})
    again = admin.get(refused.headers["Location"]).text
    assert "分流规则表未通过：1 个问题，已标在相关规则上。" in again
    assert "each output" not in again  # the engine's English stays for the CLI
    admin.post("/auth/language", {"locale": "en"})
    english = admin.get("/routing/draft").text
    assert "Each result of this rule (the licence item's code, its names, the department) " \
           "must be filled, without double quotes." in english.replace("&#39;", "'")
    with app_sessions() as session:
        assert session.execute(select(DecisionTable.version)).scalars().all() == [1]
