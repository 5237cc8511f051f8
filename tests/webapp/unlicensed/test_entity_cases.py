"""The entity page lists the entity's unlicensed-operation cases its viewer may see, and
never their reporter."""

from __future__ import annotations

import pytest

from engine import audit, unlicensed
from engine.org.units import org_by_code
from tests.factories import make_entity
from tests.webapp.unlicensed.matrix import REPORTER_NAME, REPORTER_PHONE

pytestmark = [pytest.mark.usefixtures("traveller"), pytest.mark.both_backends]
SUMMARY = "群众举报：该店超出许可范围从事美容服务，已营业三个月。"


def reported_case(app_sessions) -> tuple[int, str, int]:
    with app_sessions() as session:
        entity = make_entity(session)
        case = unlicensed.open_case(
            session, audit.Actor("chen", "test", None), source="report", summary=SUMMARY,
            department=org_by_code(session, "530502-amr"), entity_id=entity.id,
            reporter=(REPORTER_NAME, REPORTER_PHONE))
        session.commit()
        return entity.id, case.number, case.id


def test_the_handling_unit_and_the_areas_office_see_the_case_without_its_reporter(
        login, app_sessions):
    entity_id, number, case_id = reported_case(app_sessions)
    for user in ("chen", "zhang", "wang"):
        html = login(user).get(f"/entities/{entity_id}").get_data(as_text=True)
        assert f'href="/unlicensed/{case_id}"' in html and number in html, user
        assert "群众举报" in html  # its source, a public report
        assert REPORTER_NAME not in html and REPORTER_PHONE not in html, user
        assert SUMMARY not in html, user  # the lead's own words stay on the case


def test_a_viewer_of_the_entity_outside_the_case_sees_no_case(login, app_sessions):
    entity_id, number, _case_id = reported_case(app_sessions)
    html = login("zhou").get(f"/entities/{entity_id}").get_data(as_text=True)  # its registrar
    assert 'id="unlicensed-cases"' in html and number not in html
    assert "没有您可查看的无证无照案件" in html
    zhou = login("zhou")
    zhou.post("/auth/language", {"locale": "en"})
    english = zhou.get(f"/entities/{entity_id}").get_data(as_text=True)
    assert "No unlicensed-operation case you may see." in english
