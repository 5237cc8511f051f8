"""The catalogue in versions: each change a new version with who, when and why; a check
records the version it used and answers from it."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from engine import credit_check
from engine.errors import Forbidden, InvalidInput, NotFound
from engine.models import CreditCheck, ListType
from engine.seed.baoshan import DEPARTMENTS
from tests.engine.credit_check.entries import list_entry
from tests.factories import SETUP, make_entity

pytestmark = pytest.mark.both_backends

SUBSIDY_ON_ABNORMAL = {
    "code": "M20", "list_type": "abnormal", "title": "审慎给予财政补贴",
    "basis_document": "保山市信用联合奖惩实施细则", "basis_clause": "第十二条",
    "initiating_department": "amr", "implementing_departments": ["finance", "agri"],
    "actions": ["subsidy"], "period_years": None}


def test_seeding_writes_version_one_once(session, world):
    first = credit_check.seed_catalogue(session, SETUP)
    assert first is not None and first.number == 1
    assert credit_check.seed_catalogue(session, SETUP) is None
    assert len(credit_check.current_catalogue(session).measures) == 14


def test_a_change_is_a_new_version_and_checks_use_the_newest(session, world, traveller):
    credit_check.seed_catalogue(session, SETUP)
    entity = make_entity(session)
    list_entry(session, entity, ListType.ABNORMAL)
    before = credit_check.check_one(session, SETUP, entity.uscc, "subsidy")
    assert before.answers[0].restrictions == ()
    zhang = world.users["zhang"]
    version = credit_check.save_measure(session, world.actor("zhang"), zhang,
                                        SUBSIDY_ON_ABNORMAL, "市里新规定")
    assert (version.number, version.created_by, version.comment) == (2, "zhang", "市里新规定")
    after = credit_check.check_one(session, SETUP, entity.uscc, "subsidy")
    assert [r.measure.code for r in after.answers[0].restrictions] == ["M20"]
    assert after.version_number == 2
    logged = session.scalars(select(CreditCheck).order_by(CreditCheck.id)).all()
    assert [c.version_id for c in logged] == [
        credit_check.versions(session)[1].id, version.id]
    old = credit_check.catalogue_version(session, logged[0].version_id)
    assert "M20" not in [m.code for m in old.measures]


def test_removing_a_measure_lifts_its_restriction(session, world, traveller):
    credit_check.seed_catalogue(session, SETUP)
    entity = make_entity(session)
    list_entry(session, entity, ListType.ABNORMAL)
    credit_check.remove_measure(session, world.actor("admin"), world.users["admin"], "M01",
                                "简易注销由登记机关另行审查")
    report = credit_check.check_one(session, SETUP, entity.uscc, "simplified_deregistration")
    assert report.answers[0].restrictions == ()
    with pytest.raises(NotFound):
        credit_check.remove_measure(session, world.actor("admin"), world.users["admin"],
                                    "M01", "again")


def test_only_administrators_edit(session, world):
    credit_check.seed_catalogue(session, SETUP)
    for name in ("chen", "wang", "liu"):
        with pytest.raises(Forbidden):
            credit_check.save_measure(session, world.actor(name), world.users[name],
                                      SUBSIDY_ON_ABNORMAL, "x")


@pytest.mark.parametrize(("change", "field"), [
    ({"actions": ["haircut"]}, "actions"),
    ({"actions": []}, "actions"),
    ({"implementing_departments": ["nasa"]}, "implementing_departments"),
    ({"list_type": "grey"}, "list_type"),
    ({"title": ""}, "title"),
    ({"code": "m 1"}, "code"),
    ({"period_years": 0}, "period_years"),
])
def test_a_bad_measure_is_refused(session, world, change, field):
    credit_check.seed_catalogue(session, SETUP)
    with pytest.raises(InvalidInput) as refused:
        credit_check.save_measure(session, world.actor("admin"), world.users["admin"],
                                  {**SUBSIDY_ON_ABNORMAL, **change}, "x")
    assert field in refused.value.details["fields"]
    assert len(credit_check.versions(session)) == 1


def test_a_version_needs_a_comment(session, world):
    with pytest.raises(InvalidInput):
        credit_check.publish_catalogue(session, SETUP, [SUBSIDY_ON_ABNORMAL], "  ")


def test_the_departments_are_those_of_the_joint_meeting():
    assert tuple(code for code, _name in DEPARTMENTS) == credit_check.DEPARTMENTS


def test_the_seeded_catalogue_is_valid_and_covers_every_action(session, world):
    credit_check.seed_catalogue(session, SETUP)
    catalogue = credit_check.current_catalogue(session)
    assert {a for m in catalogue.measures for a in m.actions} == set(credit_check.ACTIONS)
