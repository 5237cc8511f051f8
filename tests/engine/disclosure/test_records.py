"""Entering records: the fields of each category, the party matched against the registry,
who enters and who sees."""

from __future__ import annotations

from datetime import datetime

import pytest
import time_machine

from engine import disclosure
from engine.calendar import calendar_for
from engine.db import settings_of
from engine.errors import Forbidden, InvalidInput, NotFound
from engine.models import AuditEvent, DataSource, RecordStatus
from engine.registry import uscc
from tests.engine.disclosure.helpers import enter, penalty_values
from tests.factories import CST, MONDAY, World, make_entity


@pytest.fixture
def world(notice_world: World) -> World:
    return notice_world


@pytest.fixture(autouse=True)
def monday(traveller):
    return traveller


def test_a_penalty_is_entered_as_a_draft_of_the_officers_department(session, world):
    entity = make_entity(session)
    record = enter(session, world, entity)
    assert (record.status, record.data_source) == (RecordStatus.DRAFT, DataSource.ENTERED)
    assert record.source_org_id == world.units["530502-psb"].id
    assert (record.party_name, record.party_uscc, record.entity_id) == (
        entity.name, entity.uscc, entity.id)
    assert record.fields["penalty_category"] == ["fine"] and record.fields["fine"] == "5"
    assert record.publishable and not record.backfilled
    assert "party_uscc" not in record.fields  # the envelope is columns
    assert session.query(AuditEvent).filter_by(action="disclosure.enter").count() == 1


def test_a_name_that_is_not_the_registered_one_is_refused_naming_both(session, world):
    entity = make_entity(session, name="保山市永昌餐饮管理有限公司")
    with pytest.raises(InvalidInput) as refused:
        enter(session, world, entity, party_name="保山永昌餐饮有限公司")
    assert refused.value.details["fields"] == {"party_name": "name_mismatch"}
    assert refused.value.details["registered_name"] == "保山市永昌餐饮管理有限公司"
    assert refused.value.details["entered_name"] == "保山永昌餐饮有限公司"


def test_half_width_brackets_and_spaces_do_not_make_another_name(session, world):
    entity = make_entity(session, name="保山市永昌餐饮管理有限公司（隆阳分店）")
    record = enter(session, world, entity, party_name="保山市永昌餐饮管理有限公司 (隆阳分店)")
    assert record.party_name == "保山市永昌餐饮管理有限公司（隆阳分店）"


@pytest.mark.parametrize(("code", "problem"), [
    ("91530502MA6K0000", "bad_uscc"), ("91530502MA6K00000X", "bad_uscc")])
def test_a_malformed_uscc_is_refused(session, world, code, problem):
    entity = make_entity(session)
    with pytest.raises(InvalidInput) as refused:
        enter(session, world, entity, party_uscc=code)
    assert refused.value.details["fields"]["party_uscc"] == problem


def test_a_uscc_the_registry_does_not_hold_is_refused(session, world):
    entity = make_entity(session)
    body = "91530502MA6K00000"
    with pytest.raises(InvalidInput) as refused:
        enter(session, world, entity, party_uscc=body + uscc.check_character(body))
    assert refused.value.details["fields"] == {"party_uscc": "not_registered"}


def test_an_individual_business_is_accepted_as_such(session, world):
    body = "92530502MA6K00001"
    entity = make_entity(session, uscc=body + uscc.check_character(body), name="隆阳区兰城百货商行",
                         entity_type="个体工商户")
    record = enter(session, world, entity)
    assert record.party_uscc.startswith("92")


def test_every_missing_field_is_named_at_once(session, world):
    entity = make_entity(session)
    with pytest.raises(InvalidInput) as refused:
        enter(session, world, entity, facts="", decision_date="", fine="")
    assert refused.value.details["fields"] == {"facts": "required", "decision_date": "required",
                                               "fine": "required"}


def test_a_fine_is_asked_only_when_the_penalty_is_a_fine(session, world):
    entity = make_entity(session)
    record = enter(session, world, entity, penalty_category=["warning"], fine="")
    assert "fine" not in record.fields
    assert not record.publishable  # a warning alone is recorded, not published


def test_a_summary_procedure_penalty_is_not_published(session, world):
    record = enter(session, world, make_entity(session), procedure="summary")
    assert not record.publishable


@pytest.mark.parametrize("category", sorted(disclosure.CATEGORIES))
def test_every_category_has_a_form_with_an_authority(session, category):
    form = disclosure.record_form(session, category)
    assert "authority_name" in {f.name for f in form.own.fields}


def test_a_licence_record_checks_its_own_fields(session, world):
    entity = make_entity(session)
    values = {**penalty_values(entity), "document_name": "食品经营许可决定书",
              "licence_category": "general", "licence_no": "JY15305020001234",
              "content": "预包装食品销售", "valid_from": "2026-03-02", "valid_to": "2031-03-01",
              "licence_status": "valid"}
    actor = world.actor("hu")
    record = disclosure.new_record(session, actor, "licence", values,
                                   department=disclosure.entering_department(session, actor))
    assert record.fields["licence_no"] == "JY15305020001234"
    assert "facts" not in record.fields  # a penalty's field is no licence's
    with pytest.raises(InvalidInput) as refused:
        disclosure.new_record(session, actor, "licence", {**values, "valid_from": "明天"},
                              department=disclosure.entering_department(session, actor))
    assert refused.value.details["fields"] == {"valid_from": "not a date (YYYY-MM-DD)"}


def test_only_people_of_a_department_enter_records(session, world):
    with pytest.raises(Forbidden):
        disclosure.entering_department(session, world.actor("wang"))  # a joint office


@pytest.mark.both_backends
def test_a_department_sees_its_own_records_and_the_joint_office_its_area(session, world):
    record = enter(session, world, make_entity(session))
    for user in ("hu", "luo", "tian", "wang", "admin"):
        assert disclosure.get_record(session, world.actor(user), record.id) == record
    for user in ("qian", "chen", "zhao"):  # another department, the AMR, another county
        with pytest.raises(NotFound):
            disclosure.get_record(session, world.actor(user), record.id)


def test_a_draft_is_changed_and_audited_with_the_fields_changed(session, world):
    record = enter(session, world, make_entity(session))
    values = {**disclosure.form_values(record), "fine": "8", "decision_date": "2026-02-27"}
    disclosure.change_record(session, world.actor("hu"), record, values)
    assert record.fields["fine"] == "8" and record.decision_date.isoformat() == "2026-02-27"
    event = session.query(AuditEvent).filter_by(action="disclosure.change").one()
    assert event.summary["fields"] == ["decision_date", "fine"]


def test_with_time_frozen_the_entry_time_is_now(session, world):
    with time_machine.travel(MONDAY, tick=False):
        record = enter(session, world, make_entity(session))
    assert record.entered_at == MONDAY


@pytest.mark.parametrize(("today", "light"), [
    ((2026, 3, 9), "green"),  # 5 working days after Monday 2 March
    ((2026, 3, 10), "yellow"),  # 6: within two of the limit
    ((2026, 3, 11), "yellow"),  # 7: the limit
    ((2026, 3, 12), "red"),  # 8: late
])
def test_a_draft_turns_yellow_near_the_entry_limit_and_red_past_it(session, world, today,
                                                                   light):
    record = enter(session, world, make_entity(session))
    with time_machine.travel(datetime(*today, 9, 0, tzinfo=CST), tick=False):
        calendar = calendar_for(session, settings_of(session), "530502")
        assert disclosure.record_light(record, calendar) == light


def test_back_filled_stock_has_no_light(session, world):
    record = enter(session, world, make_entity(session), backfilled="yes")
    with time_machine.travel(datetime(2026, 6, 1, 9, 0, tzinfo=CST), tick=False):
        calendar = calendar_for(session, settings_of(session), "530502")
        assert disclosure.record_light(record, calendar) is None
