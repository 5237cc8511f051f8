"""The dual-notice light in its two forms, notice_light (Python) and light_filter (SQL),
and the diagram's timers, agree at every boundary: pushes just before, at and just after
each local midnight, seen just before, at and just after the start of the working day
on which a limit passes, around the 2026 Spring Festival.

February 2026 in Baoshan: Saturdays 14 and 28 are make-up workdays (调休), 15–23 are
holidays, 7–8 February and Sunday 1 March are rest days.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
import time_machine
from sqlalchemy import select

from engine.calendar import WorkdayCalendar, calendar_for
from engine.db import settings_of
from engine.dual_notice.lights import (
    Light,
    light_deadlines,
    light_filter,
    local_date,
    notice_light,
)
from engine.models import DualNotice, NoticeState
from tests.factories import CST, MONDAY, make_entity, make_world

TICK = timedelta(microseconds=1)
FIRST_PUSH, LAST_PUSH = date(2026, 1, 26), date(2026, 3, 4)
# Working days on which notices turn: red on the make-up Saturday (pushed 30 January to
# 1 February), yellow after the festival (pushed 5 February), red on the 27th (pushed
# 5 February), red after the Sunday (pushed 9 February), yellow on 3 March (13 February).
TURNING_DAYS = (date(2026, 2, 14), date(2026, 2, 24), date(2026, 2, 27), date(2026, 3, 2),
                date(2026, 3, 3))
LIGHTS: tuple[Light, ...] = ("green", "yellow", "red")


def start(day: date) -> datetime:
    return datetime.combine(day, time.min, CST)


def around(moment: datetime) -> tuple[datetime, datetime, datetime]:
    return moment - TICK, moment, moment + TICK


PUSHES = [instant for offset in range((LAST_PUSH - FIRST_PUSH).days + 1)
          for instant in around(start(FIRST_PUSH + timedelta(days=offset)))]
NOWS = [instant for day in TURNING_DAYS for instant in around(start(day))]


@pytest.fixture
def notices(session) -> list[DualNotice]:
    """A notice waiting for a claim per push instant, and a claimed and a returned one."""
    with time_machine.travel(MONDAY, tick=False):
        world = make_world(session)
        entity = make_entity(session, "印章刻制")
    department = world.units["530502-amr"].id

    def notice(n: int, pushed_at: datetime, state: NoticeState = NoticeState.PUSHED,
               **stopped: datetime) -> DualNotice:
        return DualNotice(entity_id=entity.id, licence_item=f"T-{n}", licence_item_name="测试",
                          department_org_id=department, trigger="new", routed="auto",
                          state=state, pushed_at=pushed_at, **stopped)

    rows = [notice(n, pushed_at) for n, pushed_at in enumerate(PUSHES)]
    early = start(FIRST_PUSH)
    rows += [notice(-1, early, NoticeState.CLAIMED, claimed_at=early + timedelta(days=1)),
             notice(-2, early, NoticeState.RETURNED, returned_at=early + timedelta(days=1))]
    session.add_all(rows)
    session.commit()
    session.expire_all()  # both forms read what the database stored
    return rows


def calendar(session) -> WorkdayCalendar:
    return calendar_for(session, settings_of(session), "530502")


def lights_now(session, notices: list[DualNotice]) -> tuple[dict[int, Light], dict[int, Light]]:
    """Each notice's light by notice_light, and by the light_filter that selects it."""
    days = calendar(session)
    in_python = {n.id: notice_light(n, days) for n in notices if n.state == NoticeState.PUSHED}
    in_sql: dict[int, Light] = {}
    for light in LIGHTS:
        for notice_id in session.scalars(select(DualNotice.id).where(light_filter(light, days))):
            assert notice_id not in in_sql, f"notice {notice_id} is both {light} and another"
            in_sql[notice_id] = light
    return in_python, in_sql


def test_the_sql_form_selects_each_waiting_notice_by_the_light_python_gives_it(session,
                                                                              notices):
    disagreements = []
    for now in NOWS:
        with time_machine.travel(now, tick=False):
            in_python, in_sql = lights_now(session, notices)
        pushed = [n for n in notices if n.pushed_at <= now]
        assert {in_python[n.id] for n in pushed if n.id in in_python} == set(LIGHTS), now
        disagreements += [(now, n.pushed_at.astimezone(CST), in_python.get(n.id), light)
                          for n in pushed if (light := in_sql.get(n.id)) != in_python.get(n.id)]
    assert disagreements == []


@pytest.mark.parametrize(("now", "pushed_at", "light"), [
    (start(date(2026, 2, 14)) - TICK, start(date(2026, 2, 2)) - TICK, "yellow"),
    (start(date(2026, 2, 14)), start(date(2026, 2, 2)) - TICK, "red"),  # pushed on a Sunday
    (start(date(2026, 2, 14)), start(date(2026, 2, 2)), "yellow"),
    (start(date(2026, 2, 24)) - TICK, start(date(2026, 2, 6)) - TICK, "green"),  # a holiday
    (start(date(2026, 2, 24)), start(date(2026, 2, 6)) - TICK, "yellow"),
    (start(date(2026, 2, 24)), start(date(2026, 2, 6)), "green"),
    (start(date(2026, 3, 2)) - TICK, start(date(2026, 2, 10)) - TICK, "yellow"),  # a Sunday
    (start(date(2026, 3, 2)), start(date(2026, 2, 10)) - TICK, "red"),
    (start(date(2026, 3, 2)), start(date(2026, 2, 10)), "yellow"),
])
def test_the_light_turns_at_the_start_of_the_working_day_past_a_limit(session, notices, now,
                                                                        pushed_at, light):
    (notice,) = [n for n in notices if n.pushed_at == pushed_at]
    with time_machine.travel(now, tick=False):
        in_python, in_sql = lights_now(session, notices)
    assert (in_python[notice.id], in_sql[notice.id]) == (light, light)


def test_the_timers_fire_when_the_light_turns(session, notices):
    days = calendar(session)
    wrong = []
    for notice in (n for n in notices if n.state == NoticeState.PUSHED):
        claim_due, escalate_due = light_deadlines(days, local_date(days, notice.pushed_at))
        for moment, light in ((claim_due - TICK, "green"), (claim_due, "yellow"),
                              (escalate_due - TICK, "yellow"), (escalate_due, "red")):
            with time_machine.travel(moment, tick=False):
                if notice_light(notice, days) != light:
                    wrong.append((notice.pushed_at.astimezone(CST), moment, light))
    assert wrong == []
