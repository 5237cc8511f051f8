"""The working-day calendar: 调休, local changes, fallback with warnings, import, CLI."""

from __future__ import annotations

import json
import logging
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import chinese_calendar
import pytest
import time_machine
from click.testing import CliRunner
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from engine.audit import SYSTEM
from engine.calendar import (
    WorkdayCalendar,
    calendar_for,
    days_of_year,
    seed_from_chinese_calendar,
)
from engine.calendar.importer import import_arrangement
from engine.cli.calendar import calendar as calendar_cli
from engine.cli.context import CliContext
from engine.config import Settings
from engine.db import make_engine
from engine.errors import InvalidInput
from engine.models import AuditEvent, Base, CalendarDay, CalendarWarning, CalendarYear
from rules import REGISTRY

LAST_PACKAGE_YEAR = max(chinese_calendar.holidays).year
NO_DATA_YEAR = 2031


@pytest.fixture
def seeded(session: Session) -> Session:
    seed_from_chinese_calendar(session, SYSTEM)
    return session


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_text(text, encoding=encoding)
    return path


def count(session: Session, model: type) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def test_2025_and_2026_agree_with_the_package_day_by_day(seeded: Session, settings: Settings):
    days = calendar_for(seeded, settings)
    day, differing = date(2025, 1, 1), []
    while day.year <= 2026:
        if days.is_workday(day) != chinese_calendar.is_workday(day):
            differing.append(day)
        day += timedelta(days=1)
    assert differing == []
    assert days.warnings == ()


def test_make_up_workdays_and_golden_week(seeded: Session, settings: Settings):
    days = calendar_for(seeded, settings)
    assert days.is_workday(date(2026, 2, 14))  # Saturday 调休
    assert days.is_workday(date(2026, 9, 20))  # Sunday 调休
    assert not any(days.is_workday(date(2026, 10, d)) for d in range(1, 8))
    assert days.is_workday(date(2025, 9, 28))  # Sunday
    assert days.is_workday(date(2025, 10, 11))  # Saturday
    assert not days.is_workday(date(2025, 10, 8))  # Wednesday in the 2025 golden week
    assert not days.is_workday(date(2026, 2, 21))  # a plain Saturday stays off


def test_add_workdays_across_national_day_and_make_up_weekends(seeded: Session,
                                                               settings: Settings):
    days = calendar_for(seeded, settings)
    assert days.add_workdays(date(2026, 9, 30), 1) == date(2026, 10, 8)
    assert days.add_workdays(date(2026, 9, 30), 3) == date(2026, 10, 10)  # Saturday 调休
    assert days.add_workdays(date(2026, 9, 18), 1) == date(2026, 9, 20)  # Sunday 调休
    assert days.add_workdays(date(2026, 2, 13), 2) == date(2026, 2, 24)  # past Spring Festival
    assert days.add_workdays(date(2026, 10, 8), -1) == date(2026, 9, 30)
    assert days.workdays_between(date(2026, 9, 30), date(2026, 10, 10)) == 3
    assert days.workdays_between(date(2026, 2, 13), date(2026, 2, 28)) == 6  # 14, 24–27, 28


def test_today_and_deadline_rule_follow_the_local_zone(seeded: Session, settings: Settings):
    days = calendar_for(seeded, settings)
    # 02:00 on 1 October in Baoshan is still 30 September in UTC.
    with time_machine.travel(datetime(2026, 9, 30, 18, 0, tzinfo=UTC), tick=False):
        assert days.today() == date(2026, 10, 1)
        deadline = REGISTRY.bind(days)["workdays_from_today"](1)
    assert deadline == "2026-10-08T15:59:59.999999+00:00"


def test_local_festival_changes_only_its_area(seeded: Session, settings: Settings,
                                              tmp_path: Path):
    local = write(tmp_path / "longling-2026.csv",
                  "date,type,note\n2026-04-13,holiday,泼水节\n2026-04-14,holiday,泼水节\n"
                  "2026-02-14,holiday,本地调休\n")
    import_arrangement(seeded, SYSTEM, local, area_code="530523")
    longling = calendar_for(seeded, settings, "530523")
    tengchong = calendar_for(seeded, settings, "530581")
    assert not longling.is_workday(date(2026, 4, 13))
    assert tengchong.is_workday(date(2026, 4, 13))
    assert not longling.is_workday(date(2026, 2, 14))  # local rest beats the national 调休
    assert tengchong.is_workday(date(2026, 2, 14))
    assert longling.is_workday(date(2026, 9, 20))  # the rest of the national arrangement holds
    assert longling.add_workdays(date(2026, 4, 10), 1) == date(2026, 4, 15)


def test_year_without_data_falls_back_and_warns_once(seeded: Session, settings: Settings,
                                                     caplog: pytest.LogCaptureFixture):
    assert NO_DATA_YEAR > LAST_PACKAGE_YEAR
    days = calendar_for(seeded, settings)
    with caplog.at_level(logging.WARNING, logger="engine.calendar"):
        assert not days.is_workday(date(2031, 10, 1))  # fixed-date National Day
        assert not days.is_workday(date(2031, 5, 5))
        assert not days.is_workday(date(2031, 1, 1))
        assert days.is_workday(date(2031, 1, 2))
        assert not days.is_workday(date(2031, 1, 4))  # Saturday: no 调休 is guessed
        assert days.add_workdays(date(2031, 9, 30), 1) == date(2031, 10, 8)
    assert days.warnings == (2031,)
    assert len([r for r in caplog.records if "2031" in r.getMessage()]) == 1
    warnings = seeded.scalars(select(CalendarWarning)).all()
    assert [(w.area_code, w.year, w.count) for w in warnings] == [("530500", 2031, 1)]
    first_seen = warnings[0].first_seen
    later = datetime(2030, 12, 1, 9, 30, tzinfo=UTC)
    with time_machine.travel(later, tick=False):
        calendar_for(seeded, settings).is_workday(date(2031, 3, 3))
    seeded.expire_all()
    again = seeded.scalars(select(CalendarWarning)).one()
    assert (again.count, again.first_seen, again.last_seen) == (2, first_seen, later)


def test_empty_calendar_never_raises(session: Session, settings: Settings):
    days = WorkdayCalendar(session, "*", settings)
    assert days.add_workdays(date(2026, 9, 30), 1) == date(2026, 10, 8)  # the package's year
    assert days.warnings == ()
    assert days.add_workdays(date(2031, 9, 30), 1) == date(2031, 10, 8)  # fallback golden week
    assert days.warnings == (2031,)
    assert count(session, CalendarWarning) == 1


def test_fresh_database_counts_the_package_arrangement(session: Session, settings: Settings):
    days = calendar_for(session, settings)
    assert days.add_workdays(date(2026, 9, 28), 7) == date(2026, 10, 13)
    assert days.is_workday(date(2026, 10, 10))  # Saturday 调休
    assert not any(days.is_workday(date(2026, 10, d)) for d in range(1, 8))
    assert days.is_workday(date(2026, 10, 8))
    day, differing = date(2004, 1, 1), []
    while day.year <= LAST_PACKAGE_YEAR:
        if days.is_workday(day) != chinese_calendar.is_workday(day):
            differing.append(day)
        day += timedelta(days=1)
    assert differing == []
    assert days.warnings == ()
    assert count(session, CalendarWarning) == 0


def test_table_rows_beat_the_package_on_a_fresh_database(session: Session, settings: Settings,
                                                         tmp_path: Path):
    national = write(tmp_path / "2026.csv", "date,type\n2026-10-08,holiday\n")
    import_arrangement(session, SYSTEM, national)
    local = write(tmp_path / "longling.csv", "date,type,note\n2025-10-11,holiday,本地调休\n")
    import_arrangement(session, SYSTEM, local, area_code="530523")
    longling = calendar_for(session, settings, "530523")
    tengchong = calendar_for(session, settings, "530581")
    assert not tengchong.is_workday(date(2026, 10, 8))
    assert not tengchong.is_workday(date(2026, 10, 10))  # the file is the whole of 2026
    assert tengchong.is_workday(date(2025, 10, 11))  # 2025 still comes from the package
    assert not longling.is_workday(date(2025, 10, 11))  # local rest beats the package's 调休
    assert longling.is_workday(date(2025, 9, 28))
    assert (longling.warnings, tengchong.warnings) == ((), ())


def test_csv_import_with_english_headers_replaces_the_fallback(seeded: Session,
                                                               settings: Settings,
                                                               tmp_path: Path):
    before = calendar_for(seeded, settings)
    assert before.is_workday(date(2031, 1, 24))  # the fallback knows no Spring Festival
    file = write(tmp_path / "2031.csv",
                 "date,is_workday,note\n2031-01-22,false,春节\n2031-01-23,false,春节\n"
                 "2031-01-24,false,春节\n2031-01-25,true,调休\n2031-10-01,false,国庆节\n"
                 "2031-01-04,false,weekend anyway\n")
    result = import_arrangement(seeded, SYSTEM, file)
    assert (result.years, result.stored, result.redundant) == ((2031,), 5, 1)
    after = calendar_for(seeded, settings)
    assert not after.is_workday(date(2031, 1, 24))
    assert after.is_workday(date(2031, 1, 25))  # Saturday
    assert after.is_workday(date(2031, 5, 5))  # the file is the whole arrangement now
    assert after.warnings == ()


def test_csv_import_with_chinese_headers_and_bom(seeded: Session, settings: Settings,
                                                 tmp_path: Path):
    file = write(tmp_path / "安排.csv",
                 "日期,类型(工作日/休息日),备注\n2031/10/8,休息日,国庆节\n2031-10-11,工作日,调休\n",
                 encoding="utf-8-sig")
    assert file.read_bytes().startswith(b"\xef\xbb\xbf")
    assert import_arrangement(seeded, SYSTEM, file).stored == 2
    days = calendar_for(seeded, settings)
    assert not days.is_workday(date(2031, 10, 8))
    assert days.is_workday(date(2031, 10, 11))
    assert [d.note for d in days_of_year(seeded, 2031)] == ["国庆节", "调休"]


@pytest.mark.parametrize("content", [
    [{"date": "2031-02-03", "workday": False, "note": "春节"},
     {"date": "2031-02-08", "workday": True}],
    {"holidays": [{"date": "2031-02-03", "note": "春节"}], "workdays": ["2031-02-08"]},
])
def test_json_import_in_both_shapes(seeded: Session, settings: Settings, tmp_path: Path,
                                    content: object):
    file = write(tmp_path / "2031.json", json.dumps(content, ensure_ascii=False))
    assert import_arrangement(seeded, SYSTEM, file).years == (2031,)
    days = calendar_for(seeded, settings)
    assert not days.is_workday(date(2031, 2, 3))
    assert days.is_workday(date(2031, 2, 8))
    assert days.warnings == ()


def test_reimport_replaces_the_year(seeded: Session, settings: Settings, tmp_path: Path):
    first = write(tmp_path / "a.csv", "date,type\n2031-02-03,holiday\n2031-02-04,holiday\n")
    second = write(tmp_path / "b.csv", "date,type\n2031-02-04,holiday\n")
    import_arrangement(seeded, SYSTEM, first)
    result = import_arrangement(seeded, SYSTEM, second)
    assert result.replaced == 2
    assert calendar_for(seeded, settings).is_workday(date(2031, 2, 3))


def test_new_year_spill_does_not_wipe_the_year_before(seeded: Session, settings: Settings,
                                                      tmp_path: Path):
    # The 2012 arrangement made Saturday 2011-12-31 a workday.
    file = write(tmp_path / "2012.csv", "date,type\n2011-12-31,workday\n2012-01-02,holiday\n"
                                        "2012-01-03,holiday\n2012-01-21,workday\n")
    assert import_arrangement(seeded, SYSTEM, file).years == (2012,)
    days = calendar_for(seeded, settings)
    assert days.is_workday(date(2011, 12, 31))
    assert not days.is_workday(date(2011, 10, 3))  # the 2011 golden week is still there
    assert not days.is_workday(date(2012, 1, 3))
    assert days.is_workday(date(2012, 1, 24))  # the file left out Spring Festival: replaced


def test_bad_file_is_refused_with_row_numbers_and_nothing_written(seeded: Session,
                                                                  tmp_path: Path):
    before = (count(seeded, CalendarDay), count(seeded, CalendarYear), count(seeded, AuditEvent))
    file = write(tmp_path / "bad.csv", "date,type,note\n2031-02-03,holiday,\n2031-02-30,holiday,\n"
                                       "2031-02-05,maybe,\n\n2031-02-03,workday,\n")
    with pytest.raises(InvalidInput) as refused:
        import_arrangement(seeded, SYSTEM, file)
    fields = refused.value.details["fields"]
    assert set(fields) == {"row 3", "row 4", "row 6"}
    assert "2031-02-30" in fields["row 3"]
    assert "maybe" in fields["row 4"]
    assert "row 2" in fields["row 6"]
    after = (count(seeded, CalendarDay), count(seeded, CalendarYear), count(seeded, AuditEvent))
    assert after == before


@pytest.mark.parametrize("name, text", [
    ("no-type.csv", "date,note\n2031-02-03,x\n"),
    ("broken.json", "[{"),
    ("empty.json", "[]"),
    ("items.json", '[{"date": "2031-02-03"}]'),
])
def test_files_without_usable_days_are_refused(seeded: Session, tmp_path: Path,
                                               name: str, text: str):
    with pytest.raises(InvalidInput):
        import_arrangement(seeded, SYSTEM, write(tmp_path / name, text))
    assert not seeded.scalars(select(CalendarDay).where(CalendarDay.day >= date(2031, 1, 1))).all()


def test_seed_is_idempotent_and_audited_once(session: Session):
    written = seed_from_chinese_calendar(session, SYSTEM)
    rows = session.execute(select(CalendarDay.day, CalendarDay.is_workday, CalendarDay.id)
                           .order_by(CalendarDay.day)).all()
    assert written == len(rows) > 0
    assert seed_from_chinese_calendar(session, SYSTEM) == 0
    assert session.execute(select(CalendarDay.day, CalendarDay.is_workday, CalendarDay.id)
                           .order_by(CalendarDay.day)).all() == rows
    years = session.scalars(select(CalendarYear.year).order_by(CalendarYear.year)).all()
    assert years == list(range(2004, LAST_PACKAGE_YEAR + 1))
    assert session.scalars(select(AuditEvent.action)).all() == ["calendar.seed"]


def test_seed_leaves_an_imported_year_alone(seeded: Session, settings: Settings,
                                            tmp_path: Path):
    correction = write(tmp_path / "2026.csv", "date,type\n2026-10-08,holiday\n")
    import_arrangement(seeded, SYSTEM, correction)
    assert seed_from_chinese_calendar(seeded, SYSTEM) == 0
    days = calendar_for(seeded, settings)
    assert not days.is_workday(date(2026, 10, 8))
    assert days.is_workday(date(2025, 9, 28))


def test_rolled_back_import_does_not_stay_cached(sessions: sessionmaker[Session],
                                                 settings: Settings, tmp_path: Path):
    file = write(tmp_path / "2031.csv", "date,type\n2031-02-03,holiday\n")
    writer = sessions()
    import_arrangement(writer, SYSTEM, file)
    assert not calendar_for(writer, settings).is_workday(date(2031, 2, 3))
    writer.rollback()
    writer.close()
    with sessions() as reader:
        assert calendar_for(reader, settings).is_workday(date(2031, 2, 3))


def test_another_process_change_is_seen_after_the_recheck_interval(
        seeded: Session, settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    import_arrangement(seeded, SYSTEM, write(tmp_path / "a.csv", "date,type\n2031-02-03,holiday\n"))
    assert not calendar_for(seeded, settings).is_workday(date(2031, 2, 3))
    # Another process moves the day in place: same id, same row count, same flag.
    row = seeded.scalars(select(CalendarDay).where(CalendarDay.day == date(2031, 2, 3))).one()
    row.day = date(2031, 2, 4)
    seeded.flush()
    assert not calendar_for(seeded, settings).is_workday(date(2031, 2, 3))  # not rechecked yet
    monkeypatch.setattr("engine.calendar.workdays.RECHECK_SECONDS", 0.0)
    days = calendar_for(seeded, settings)
    assert days.is_workday(date(2031, 2, 3))
    assert not days.is_workday(date(2031, 2, 4))


@pytest.fixture
def cli_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    engine = make_engine(url)
    Base.metadata.create_all(engine)
    engine.dispose()
    monkeypatch.setenv("CREDITFLOW_DATABASE_URL", url)
    monkeypatch.setenv("CREDITFLOW_VAR_DIR", str(tmp_path / "var"))
    return url


def run(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(calendar_cli, list(args), obj=CliContext())


def test_cli_add_workdays_prints_only_the_date(cli_env: str):
    assert run("seed").exit_code == 0
    result = run("add-workdays", "2026-09-30", "1")
    assert result.exit_code == 0, result.output
    assert result.stdout == "2026-10-08\n"
    assert result.stderr == ""
    assert run("add-workdays", "2026-10-08", "-1").stdout == "2026-09-30\n"


def test_cli_add_workdays_past_the_data_warns_on_stderr(cli_env: str):
    assert run("seed").exit_code == 0
    result = run("add-workdays", "2031-09-30", "1", "--area", "530581")
    assert result.exit_code == 0, result.output
    assert result.stdout == "2031-10-08\n"
    assert "2031" in result.stderr
    listed = run("warnings")
    assert "530581\t2031\t1 time(s)" in listed.stdout


def test_cli_show_lists_the_package_days_of_a_year_not_loaded(cli_env: str):
    result = run("show", "2026", "--area", "*")
    assert result.exit_code == 0, result.output
    assert "2026-10-10 Sat\tworkday\t*\t国庆节调休上班\n" in result.stdout
    assert "2026-10-07 Wed\tholiday\t*\t国庆节\n" in result.stdout
    assert result.stderr == ""
    assert run("show", "2031", "--area", "*").stderr != ""


def test_cli_import_refuses_a_bad_file_and_shows_the_rows(cli_env: str, tmp_path: Path):
    bad = write(tmp_path / "bad.csv", "日期,类型\n2031-13-01,休息日\n")
    result = run("import", str(bad))
    assert result.exit_code == 1
    assert "row 2" in result.stderr
    good = write(tmp_path / "good.csv", "日期,类型,备注\n2031-10-08,休息日,国庆节\n")
    assert run("import", str(good)).exit_code == 0
    shown = run("show", "2031", "--area", "*")
    assert shown.stdout == "2031-10-08 Wed\tholiday\t*\t国庆节\n"
