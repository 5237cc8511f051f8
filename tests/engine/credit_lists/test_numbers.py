"""Decision numbers: one gapless sequence per issuing unit, kind and year, also when many
decisions take numbers at once (PostgreSQL: concurrent transactions)."""

from __future__ import annotations

import threading

import pytest

from engine import credit_lists
from engine.models import OrgUnit

pytestmark = pytest.mark.both_backends


def test_numbers_per_unit_kind_and_year(session, world):
    county, city = world.units["530502-amr"], world.units["530500-amr"]
    take = credit_lists.decision_number
    assert take(session, county, "abnormal_in", 2026) == "隆市监异入〔2026〕第1号"
    assert take(session, county, "abnormal_in", 2026) == "隆市监异入〔2026〕第2号"
    assert take(session, county, "abnormal_out", 2026) == "隆市监异出〔2026〕第1号"
    assert take(session, county, "abnormal_in", 2027) == "隆市监异入〔2027〕第1号"
    assert take(session, city, "abnormal_in", 2026) == "保市监异入〔2026〕第1号"


def test_a_rolled_back_decision_leaves_no_gap(sessions, world):
    unit_id = world.units["530502-amr"].id
    with sessions() as session:
        assert credit_lists.next_number(session, session.get(OrgUnit, unit_id), "x", 2026) == 1
        session.commit()
    with sessions() as session:
        assert credit_lists.next_number(session, session.get(OrgUnit, unit_id), "x", 2026) == 2
        session.rollback()
    with sessions() as session:
        assert credit_lists.next_number(session, session.get(OrgUnit, unit_id), "x", 2026) == 2


def test_concurrent_decisions_get_consecutive_numbers(sessions, world, backend):
    if backend != "postgres":
        pytest.skip("SQLite serialises writers: the concurrency is PostgreSQL's")
    unit_id = world.units["530502-amr"].id
    taken: list[int] = []
    errors: list[BaseException] = []
    start = threading.Barrier(8)

    def decide() -> None:
        try:
            start.wait()
            for _ in range(5):
                with sessions() as session:
                    unit = session.get(OrgUnit, unit_id)
                    number = credit_lists.next_number(session, unit, "abnormal_in", 2031)
                    session.commit()
                    taken.append(number)
        except BaseException as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=decide) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(taken) == list(range(1, 41))
