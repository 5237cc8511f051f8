"""The department's dual-notice pages: lights, claim, return, dispatch, outcome, revoke, the
directory and the figures."""

from __future__ import annotations

import io
import re
from datetime import datetime

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from engine.models import AuditEvent, MarketEntity, SupervisionEntry
from tests.factories import CST
from tests.webapp.dual_notice import notice_world
from tests.webapp.dual_notice.notice_world import notice_state, push

world = notice_world.world  # fixture
pytestmark = pytest.mark.usefixtures("traveller")


def row_of(html: str, notice_id: int) -> str:
    match = re.search(rf'<li class="work-row notice-row" data-notice="{notice_id}">(.*?)</li>',
                      html, re.S)
    assert match, f"notice {notice_id} is not listed"
    return match.group(1)


def test_notices_to_claim_show_their_lights_in_working_days(login, app_sessions, traveller):
    _e, first = push(app_sessions)
    traveller.move_to(datetime(2026, 3, 12, 10, tzinfo=CST))  # 8 working days later
    _e, second = push(app_sessions)
    officer = login("hu")
    html = officer.get("/notices/").get_data(as_text=True)
    assert "light-yellow" in row_of(html, first["530502-psb"])
    assert "light-green" in row_of(html, second["530502-psb"])
    traveller.move_to(datetime(2026, 3, 17, 10, tzinfo=CST))  # 11 after the first
    officer = login("hu")  # a new day, a new sign-in
    html = officer.get("/notices/").get_data(as_text=True)
    assert "light-red" in row_of(html, first["530502-psb"])
    assert "light-green" in row_of(html, second["530502-psb"])
    red_only = officer.get("/notices/?light=red").get_data(as_text=True)
    assert f'data-notice="{first["530502-psb"]}"' in red_only
    assert f'data-notice="{second["530502-psb"]}"' not in red_only


def test_a_department_sees_only_its_own_notices(login, app_sessions):
    _e, notices = push(app_sessions, "印章刻制；餐饮服务")
    html = login("hu").get("/notices/").get_data(as_text=True)
    assert f'data-notice="{notices["530502-psb"]}"' in html
    assert f'data-notice="{notices["530502-amr"]}"' not in html
    assert login("hu").get(f"/notices/{notices['530502-amr']}").status_code == 404
    assert login("liu").get(f"/notices/{notices['530502-psb']}").status_code == 404


def test_claim_from_the_list_puts_the_entity_in_the_directory(login, app_sessions):
    entity_id, notices = push(app_sessions)
    officer = login("hu")
    html = officer.get("/notices/").get_data(as_text=True)
    assert "claim-button" in row_of(html, notices["530502-psb"])
    assert "claim-button" not in login("wang").get("/notices/").get_data(as_text=True)
    response = officer.post(f"/notices/{notices['530502-psb']}/claim")
    assert response.status_code == 302
    assert notice_state(app_sessions, notices["530502-psb"]) == "claimed"
    directory = officer.get("/notices/directory").get_data(as_text=True)
    assert f'href="/entities/{entity_id}"' in directory
    again = officer.post(f"/notices/{notices['530502-psb']}/claim")
    assert again.status_code == 409


def test_a_claim_without_the_csrf_token_is_refused(login, app_sessions):
    _e, notices = push(app_sessions)
    officer = login("hu")
    response = officer.http.post(f"/notices/{notices['530502-psb']}/claim", data={})
    assert response.status_code == 400
    assert notice_state(app_sessions, notices["530502-psb"]) == "pushed"


def test_a_return_needs_a_reason_and_a_note_and_keeps_what_was_typed(login, app_sessions):
    _e, notices = push(app_sessions)
    notice_id = notices["530502-psb"]
    officer = login("hu")
    failed = officer.sent_back(f"/notices/{notice_id}/return", {"reason": "2", "note": ""})
    assert failed.anchor == "field-note", "the browser lands on the first error"
    html = failed.get_data(as_text=True)
    assert '<option selected value="2">' in html or '<option value="2" selected>' in html
    assert notice_state(app_sessions, notice_id) == "pushed"
    done = officer.post(f"/notices/{notice_id}/return", {"reason": "2", "note": "住所在施甸县"})
    assert done.status_code == 302 and notice_state(app_sessions, notice_id) == "returned"
    page = login("zhou").get(f"/notices/{notice_id}").get_data(as_text=True)
    assert "住所在施甸县" in page and 'id="reroute-form"' in page


def test_dispatch_to_a_station_officer_who_records_the_outcome(login, app_sessions, world):
    _e, notices = push(app_sessions)
    notice_id = notices["530502-psb"]
    login("hu").post(f"/notices/{notice_id}/claim")
    admin = login("luo")
    page = admin.get(f"/notices/{notice_id}").get_data(as_text=True)
    assert f'value="user:{world.users["tian"].id}"' in page
    response = admin.post(f"/notices/{notice_id}/dispatch",
                          {"target": f"user:{world.users['tian'].id}"})
    assert response.status_code == 302
    assert notice_state(app_sessions, notice_id) == "dispatched"
    station = login("tian")
    missing = station.sent_back(f"/notices/{notice_id}/outcome", {"outcome": "granted"})
    html = missing.get_data(as_text=True)
    assert 'class="field has-error" id="field-licence_no"' in html
    assert 'class="field has-error" id="field-licence_date"' in html
    done = station.post(f"/notices/{notice_id}/outcome", {
        "outcome": "granted", "licence_no": "公特刻字〔2026〕12号", "licence_date": "2026-03-02"})
    assert done.status_code == 302 and notice_state(app_sessions, notice_id) == "closed"
    history = station.get(f"/notices/{notice_id}").get_data(as_text=True)
    assert "公特刻字〔2026〕12号" in history and "tian" in history


def test_only_the_department_administrator_may_revoke_a_claim(login, app_sessions):
    entity_id, notices = push(app_sessions)
    notice_id = notices["530502-psb"]
    officer = login("hu")
    officer.post(f"/notices/{notice_id}/claim")
    assert f'action="/notices/{notice_id}/revoke"' not in officer.get(
        f"/notices/{notice_id}").get_data(as_text=True)
    assert officer.post(f"/notices/{notice_id}/revoke", {"reason": "认领错了"}).status_code == 403
    response = login("luo").post(f"/notices/{notice_id}/revoke", {"reason": "认领错了"})
    assert response.status_code == 302 and notice_state(app_sessions, notice_id) == "pushed"
    with app_sessions() as session:
        active = session.execute(select(SupervisionEntry.active).where(
            SupervisionEntry.entity_id == entity_id)).scalar()
    assert active is False


def test_the_directory_filters_by_text_and_licence_item(login, app_sessions):
    first, n1 = push(app_sessions, "印章刻制", name="保山永昌刻章店")
    second, n2 = push(app_sessions, "旅馆业", name="隆阳兰城宾馆")
    officer = login("hu")
    officer.post(f"/notices/{n1['530502-psb']}/claim")
    officer.post(f"/notices/{n2['530502-psb']}/claim")
    everything = officer.get("/notices/directory").get_data(as_text=True)
    assert f"/entities/{first}" in everything and f"/entities/{second}" in everything
    by_name = officer.get("/notices/directory?text=兰城").get_data(as_text=True)
    assert f"/entities/{first}" not in by_name and f"/entities/{second}" in by_name
    assert f"/entities/{first}" not in login("liu").get("/notices/directory").get_data(
        as_text=True)


def test_figures_per_department_on_the_page_and_in_excel(login, app_sessions):
    _e, first = push(app_sessions)
    push(app_sessions)
    login("hu").post(f"/notices/{first['530502-psb']}/claim")
    admin = login("luo")
    html = admin.get("/notices/figures?start=2026-03-01&end=2026-03-31").get_data(as_text=True)
    row = re.search(r"<tr data-department=\"\d+\">(.*?)</tr>", html, re.S).group(1)
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
    assert cells[:6] == ["隆阳区公安局", "2", "1", "0", "50.0%", "50.0%"]
    export = admin.get("/notices/figures.xlsx?start=2026-03-01&end=2026-03-31")
    assert export.status_code == 200 and export.mimetype.endswith("spreadsheetml.sheet")
    sheet = load_workbook(io.BytesIO(export.data)).active
    assert [c.value for c in sheet[3]][2:6] == ["隆阳区公安局", 2, 1, 0]
    assert login("hu").get("/notices/figures").status_code == 404


def test_every_step_is_audited_on_the_notice(login, app_sessions):
    _e, notices = push(app_sessions)
    login("hu").post(f"/notices/{notices['530502-psb']}/claim")
    with app_sessions() as session:
        count = session.execute(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.action == "notice.claim", AuditEvent.actor == "hu")).scalar()
    assert count == 1


def test_destructive_steps_ask_first_and_choices_of_people_start_empty(login, app_sessions):
    entity_id, notices = push(app_sessions)
    notice_id = notices["530502-psb"]
    with app_sessions() as session:
        name = session.get_one(MarketEntity, entity_id).name
    page = login("hu").get(f"/notices/{notice_id}").get_data(as_text=True)
    assert f'data-confirm="将{name}的“特种行业许可（公章刻制）”告知退回' in page
    login("hu").post(f"/notices/{notice_id}/claim")
    admin = login("luo").get(f"/notices/{notice_id}").get_data(as_text=True)
    dispatch = admin.split('id="dispatch-form"')[1].split("</select>")[0]
    first = re.search(r"<option[^>]*>", dispatch)
    assert first is not None and 'value=""' in first.group(0)
    assert "selected" not in dispatch
    assert f'data-confirm="将{name}的案件分派给所选单位或人员？' in admin
    assert f'data-confirm="撤销对{name}“特种行业许可（公章刻制）”的认领？' in admin
    empty = login("luo").sent_back(f"/notices/{notice_id}/dispatch", {"target": ""})
    assert "has-error" in empty.get_data(as_text=True)
    assert notice_state(app_sessions, notice_id) == "claimed"
