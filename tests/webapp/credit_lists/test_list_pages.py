"""The list pages as the market regulator uses them: an officer proposes, the administrator
lists from the entry's page, a removal is applied for and granted; a serious listing is
approved by the city; other departments read; the entity's page and the public portal show
the listing; the figures and their Excel export."""

from __future__ import annotations

import io
import re
from datetime import date, datetime

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from engine import disclosure
from engine.config import PROJECT_DIR
from engine.models import CreditListEntry, ListStatus, MarketEntity, OrgKind, Role, WorkItem
from engine.org.units import add_org_unit, add_user, org_by_code
from engine.runtime.deploy import deploy_paths
from engine.runtime.timers import sweep
from tests.engine.credit_lists.helpers import listed
from tests.engine.disclosure.helpers import enter
from tests.factories import CST, PASSWORD, SETUP, make_entity
from tests.webapp.test_i18n import SAME_IN_BOTH, data_free, visible_text

pytestmark = pytest.mark.usefixtures("traveller")


@pytest.fixture
def entity(app_sessions) -> tuple[int, str]:
    with app_sessions() as session:
        city = org_by_code(session, "530500")
        add_org_unit(session, "530500-amr", "保山市市场监管局", OrgKind.DEPARTMENT, "530500", city)
        add_user(session, SETUP, "gao", "gao", PASSWORD, "530500-amr", [Role.DEPT_ADMIN])
        entity = make_entity(session, name="保山市永昌商贸有限公司")
        session.commit()
        return entity.id, entity.uscc


def entry_of(app_sessions) -> CreditListEntry:
    with app_sessions() as session:
        return session.execute(select(CreditListEntry).order_by(
            CreditListEntry.id.desc())).scalars().first()


def step_url(page) -> str:
    (url,) = re.findall(r'action="(/lists/\d+/steps/\d+)"', page.text)
    return url


def test_abnormal_listing_proposed_listed_removed(login, app_sessions, entity):
    entity_id, uscc = entity
    chen = login("chen")
    assert 'id="propose"' in chen.get("/lists/").text
    failed = chen.sent_back("/lists/new", {"list_type": "abnormal", "uscc": uscc,
                                           "trigger_date": "2026-03-02"})
    assert failed.anchor == "field-text"
    done = chen.post("/lists/new", {"list_type": "abnormal", "uscc": uscc, "reason": "4",
                                    "trigger_date": "2026-03-02", "text": "住所无法联系"})
    assert done.status_code == 302
    entry = entry_of(app_sessions)
    assert entry.status == ListStatus.PROPOSED
    page = chen.get(f"/lists/{entry.id}")
    assert 'id="step-decide_listing"' not in page.text  # the officer does not decide
    assert 'light-green' in page.text

    zhang = login("zhang")
    page = zhang.get(f"/lists/{entry.id}")
    assert 'id="step-decide_listing"' in page.text and "data-confirm" in page.text
    assert zhang.post(step_url(page), {"decision": "list"}).status_code == 302
    entry = entry_of(app_sessions)
    assert entry.status == ListStatus.LISTED and entry.decision_number.endswith("第1号")

    page = chen.get(f"/lists/{entry.id}")
    assert 'id="removal"' in page.text and 'id="objection"' in page.text
    assert chen.post(f"/lists/{entry.id}/apply/removal",
                     {"reason": "contact_restored", "text": "已恢复联系"}).status_code == 302
    page = zhang.get(f"/lists/{entry.id}")
    failed = zhang.post(step_url(page), {"decision": "grant"})
    assert failed.status_code == 303  # the written answer is required by the engine
    page = zhang.get(f"/lists/{entry.id}")
    assert zhang.post(step_url(page), {"decision": "grant", "reply": "核实已恢复联系"}
                      ).status_code == 302
    entry = entry_of(app_sessions)
    assert entry.status == ListStatus.REMOVED and entry.removal_reason == "contact_restored"

    listed = chen.get("/lists/?type=abnormal&state=removed")
    assert f'data-entry="{entry.id}"' in listed.text
    assert f'data-entry="{entry.id}"' not in chen.get("/lists/?state=listed").text
    history = chen.get(f"/entities/{entity_id}")
    assert f'data-entry="{entry.id}"' in history.text


def test_serious_listing_approved_by_the_city_and_on_the_portal(login, app_sessions, entity,
                                                                 client):
    _entity_id, uscc = entity
    chen = login("chen")
    chen.post("/lists/new", {"list_type": "serious", "uscc": uscc, "trigger_date": "2026-03-02",
                             "text": "生产销售假冒伪劣商品", "penalty": "吊销营业执照"})
    entry = entry_of(app_sessions)
    zhang = login("zhang")
    page = zhang.get(f"/lists/{entry.id}")
    zhang.post(step_url(page), {"decision": "list"})
    assert 'id="step-approve_listing"' not in zhang.get(f"/lists/{entry.id}").text
    gao = login("gao")
    page = gao.get(f"/lists/{entry.id}")
    assert 'id="step-approve_listing"' in page.text
    assert gao.post(step_url(page), {"decision": "approve"}).status_code == 302
    entry = entry_of(app_sessions)
    assert entry.status == ListStatus.LISTED
    report = client.get(f"/public/{uscc}/report")
    assert report.status_code == 200 and entry.decision_number in report.text
    # another department reads the list but works no step
    sun = login("wang")
    assert sun.get(f"/lists/{entry.id}").status_code == 200


def test_figures_and_their_export(login, app_sessions, entity):
    _entity_id, uscc = entity
    chen, zhang = login("chen"), login("zhang")
    chen.post("/lists/new", {"list_type": "abnormal", "uscc": uscc, "reason": "1",
                             "trigger_date": "2026-03-02", "text": "未报送年度报告"})
    entry = entry_of(app_sessions)
    zhang.post(step_url(zhang.get(f"/lists/{entry.id}")), {"decision": "list"})
    page = zhang.get("/lists/figures?from=2026-01-01&to=2026-12-31")
    assert page.status_code == 200 and 'id="list-figures"' in page.text
    assert chen.get("/lists/figures").status_code == 404  # managers only
    book = load_workbook(io.BytesIO(zhang.get(
        "/lists/figures.xlsx?from=2026-01-01&to=2026-12-31").data))
    rows = list(book.active.values)
    assert rows[1][1] == 1 and len(rows) == 2


@pytest.mark.parametrize("locale", ["zh_CN", "en"])
def test_the_pages_speak_one_language(login, app_sessions, entity, locale):
    entity_id, uscc = entity
    chen, zhang = login("chen"), login("zhang")
    for client in (chen, zhang):
        client.post("/auth/language", {"locale": locale})
    chen.post("/lists/new", {"list_type": "abnormal", "uscc": uscc, "reason": "2",
                             "trigger_date": "2026-03-02", "text": "未按期公示即时信息"})
    entry = entry_of(app_sessions)
    zhang.post(step_url(zhang.get(f"/lists/{entry.id}")), {"decision": "list"})
    chen.post(f"/lists/{entry.id}/apply/objection", {"text": "不服列入决定"})
    texts = []
    for client, urls in ((chen, ["/lists/", "/lists/new", f"/lists/{entry.id}",
                                 f"/entities/{entity_id}"]),
                         (zhang, [f"/lists/{entry.id}", "/lists/figures"])):
        texts += [data_free(visible_text(client.get(url).get_data(as_text=True)))
                  for url in urls]
    if locale == "en":
        for text in texts:
            shown = re.findall(r"(经营异常名录|严重违法失信名单|异议|移出|列入原因)",
                               text.replace("未按期公示即时信息", "").replace("不服列入决定", "")
                               .replace(entry_of(app_sessions).decision_number, ""))
            assert shown == [], text[text.find(shown[0]) - 200:text.find(shown[0]) + 50]
        return
    for text in texts:
        words = set(re.findall(r"[A-Za-z]{2,}", text.replace(uscc, " ")))
        words -= SAME_IN_BOTH | {"JPEG", "PNG"}  # the entity page's scan formats
        assert words == set(), f"untranslated: {sorted(words)}"


def test_a_list_task_opens_on_its_entry_page(login, app_sessions, entity):
    _entity_id, uscc = entity
    chen = login("chen")
    chen.post("/lists/new", {"list_type": "abnormal", "uscc": uscc, "reason": "3",
                             "trigger_date": "2026-03-02", "text": "公示信息弄虚作假"})
    entry = entry_of(app_sessions)
    zhang = login("zhang")
    item_id = int(step_url(zhang.get(f"/lists/{entry.id}")).rsplit("/", 1)[1])
    opened = zhang.get(f"/tasks/{item_id}")
    assert opened.status_code == 302 and opened.headers["Location"].endswith(
        f"/lists/{entry.id}")


def test_a_heavy_penalty_record_proposes_the_serious_list(login, app_sessions, world, entity):
    entity_id, uscc = entity
    with app_sessions() as session:
        from_registry = session.get(MarketEntity, entity_id)
        record = enter(session, world, from_registry, user="chen")
        disclosure.submit(session, world.actor("chen"), record.id)
        disclosure.review(session, world.actor("zhang"), record.id, "approve")
        session.commit()
        record_id = record.id
    chen = login("chen")
    assert 'id="propose-serious"' in chen.get(f"/records/{record_id}").text
    form = chen.get(f"/lists/new?record={record_id}")
    assert uscc in form.text and f'value="{record_id}"' in form.text
    done = chen.post("/lists/new", {
        "list_type": "serious", "uscc": uscc, "trigger_date": "2026-03-02",
        "text": "销售过期食品", "penalty": "罚款五万元并吊销营业执照",
        "source_record": str(record_id)})
    assert done.status_code == 302
    entry = entry_of(app_sessions)
    assert (entry.source_record_id, entry.trigger_source) == (record_id, "penalty")


def test_warned_listings_have_their_own_tab(login, app_sessions, world, entity):
    with app_sessions() as session:
        warned, quiet = listed(session, world), listed(session, world)
        warned.warned_on = date(2029, 1, 1)  # as the diagram's 60-day timer leaves it
        session.commit()
        warned_id, quiet_id = warned.id, quiet.id
    page = login("zhang").get("/lists/?type=abnormal&warned=1")
    assert f'data-entry="{warned_id}"' in page.text and f'data-entry="{quiet_id}"' not in page.text
    assert "2029-03-02" in page.text  # the day it moves


def test_the_warning_step_records_when_and_how_the_entity_was_told(login, app_sessions,
                                                                   world, traveller, tmp_path):
    """The 60-day warning's step asks the date and way of notice and a note, for a case
    started before its form existed (a running case) as for a new one; the entry shows it."""
    shipped = PROJECT_DIR / "bpmn" / "abnormal_list.bpmn"
    before = tmp_path / "abnormal_list.bpmn"  # the diagram as it was, its step with no form
    before.write_text(shipped.read_text(encoding="utf-8").replace(
        '<spiffworkflow:property name="formKey" value="abnormal_warning" />', ""),
        encoding="utf-8")
    with app_sessions() as session:
        deploy_paths(session, SETUP, [before])
        running = listed(session, world).id
        deploy_paths(session, SETUP, [shipped])
        fresh = listed(session, world).id
        session.commit()
    traveller.move_to(datetime(2029, 1, 1, 0, 30, tzinfo=CST))
    assert sweep(app_sessions).fired == 2
    with app_sessions() as session:
        assert session.execute(select(WorkItem.form_key).where(
            WorkItem.task_name == "tell_warning").order_by(WorkItem.id)).scalars().all() == [
            None, "abnormal_warning"]
    zhang = login("zhang")
    for entry_id in (running, fresh):
        page = zhang.get(f"/lists/{entry_id}")
        assert "告知日期" in page.text and "告知方式" in page.text and "邮寄送达" in page.text
        assert "理由或书面答复" not in page.text
        ahead = zhang.sent_back(step_url(page), {"told_on": "2029-01-02", "told_how": "post"})
        assert ahead.anchor == "field-told_on"
        done = zhang.post(step_url(page), {"told_on": "2029-01-01", "told_how": "post",
                                           "warning_note": "送达回证 2029-001"})
        assert done.status_code == 302
        told = zhang.get(f"/lists/{entry_id}").text
        assert 'id="step-tell_warning"' not in told
        assert re.search(r'id="warning-told">2029-01-01 · 邮寄送达 · <q>送达回证 2029-001</q>',
                         told), entry_id
