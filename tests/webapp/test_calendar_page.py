"""The working-day calendar in the browser's terms: a year shown with its holidays and
make-up workdays, a day changed by a system administrator (audited), an arrangement
imported, the fallback years warned; others may look, not change."""

from __future__ import annotations

import io
import json
from datetime import date

import pytest
from sqlalchemy import select

from engine.calendar import calendar_for
from engine.db import settings_of
from engine.models import AuditEvent

pytestmark = pytest.mark.usefixtures("traveller")


def test_a_year_shows_its_holidays_and_make_up_days(login):
    page = login("admin").get("/calendar/?area=*&year=2026")
    assert page.status_code == 200
    assert 'id="d2026-10-01" class="day holiday' in page.text
    assert 'id="d2026-09-20" class="day makeup' in page.text  # the make-up Sunday
    assert 'id="d2026-03-07" class="day weekend' in page.text


def test_an_administrator_makes_a_local_festival_a_day_off(login, app_sessions):
    admin = login("admin")
    done = admin.post("/calendar/day", {"area": "530502", "day": "2026-04-15",
                                        "status": "off", "note": "泼水节"})
    assert done.status_code == 302
    page = admin.get("/calendar/?area=530502&year=2026")
    assert 'id="d2026-04-15" class="day holiday local' in page.text
    with app_sessions() as session:
        assert not calendar_for(session, settings_of(session), "530502").is_workday(
            date(2026, 4, 15))
        event = session.execute(select(AuditEvent).where(
            AuditEvent.action == "calendar.day")).scalar_one()
        assert event.summary["before"] == "workday" and event.summary["after"] == "holiday"
    admin.post("/calendar/day", {"area": "530502", "day": "2026-04-15", "status": "reset"})
    page = admin.get("/calendar/?area=530502&year=2026")
    assert 'id="d2026-04-15" class="day workday"' in page.text


def test_next_years_arrangement_is_imported_from_json(login):
    admin = login("admin")
    days = [{"date": "2030-02-04", "workday": False, "note": "春节"},
            {"date": "2030-02-09", "workday": True, "note": "春节调休"}]
    response = admin.post("/calendar/import", {
        "area": "*", "file": (io.BytesIO(json.dumps(days).encode()), "2030.json")},
        content_type="multipart/form-data")
    assert response.status_code == 302 and "year=2030" in response.headers["Location"]
    page = admin.get("/calendar/?area=*&year=2030")
    assert 'id="d2030-02-09" class="day makeup' in page.text


def test_a_bad_file_imports_nothing_and_says_why(login):
    admin = login("admin")
    bad = [{"date": "2030-02-30", "workday": False}]
    admin.post("/calendar/import", {"area": "*", "file": (io.BytesIO(json.dumps(bad).encode()),
                                                            "bad.json")},
               content_type="multipart/form-data")
    page = admin.get("/calendar/?area=*&year=2030")
    assert "没有导入：1 处问题" in page.text and "2030-02-30" in page.text
    assert "已导入 2030 年" not in page.text


def test_supervisors_look_and_cannot_change(login):
    wang = login("wang")
    page = wang.get("/calendar/?area=530502&year=2026")
    assert page.status_code == 200 and 'id="edit"' not in page.text
    assert wang.post("/calendar/day", {"area": "530502", "day": "2026-04-15",
                                       "status": "off"}).status_code == 404
