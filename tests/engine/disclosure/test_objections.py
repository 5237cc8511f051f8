"""Objections: recorded, a task for the issuing department's officers, answered there."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import audit, domains, tasks
from engine.disclosure.objections import submit_objection
from engine.errors import InvalidInput, NotFound
from engine.models import ObjectionStatus, RecordStatus, WorkItem, WorkItemStatus
from tests.factories import World, make_entity
from tests.portal_records import make_record

PUBLIC = audit.Actor("public", "203.0.113.7")


def test_the_department_answers_an_objection(session: Session, world: World) -> None:
    entity = make_entity(session)
    record = make_record(session, entity, world.units["530502-amr"])
    objection = submit_objection(session, PUBLIC, record.public_ref, name=None,
                                 contact="lisi@example.com", text="罚款金额与决定书不符。")
    item = session.scalars(select(WorkItem).where(
        WorkItem.instance_id == objection.instance_id)).one()
    assert item.candidate_org_id == world.units["530502-amr"].id
    summary = {en: value for _zh, en, value in
               domains.case_summary(session, "info_objection", item.instance_id)}
    assert summary["What is wrong"] == "罚款金额与决定书不符。"
    assert summary["Contact"] == "lisi@example.com"
    assert summary["Public reference"] == record.public_ref
    tasks.complete_task(session, world.actor("chen"), item.id,
                        {"decision": "accepted", "reply": "已核实，予以更正。"})
    assert objection.status == ObjectionStatus.ACCEPTED
    assert objection.reply == "已核实，予以更正。" and objection.replied_by == "chen"
    assert session.get(WorkItem, item.id).status == WorkItemStatus.COMPLETED


def test_limits(session: Session, world: World) -> None:
    record = make_record(session, make_entity(session), world.units["530502-amr"])
    with pytest.raises(InvalidInput) as refused:
        submit_objection(session, PUBLIC, record.public_ref, name="王" * 101, contact="",
                         text="短")
    assert refused.value.details["fields"] == {"name": "too_long", "contact": "required",
                                               "text": "too_short"}


def test_only_published_records(session: Session, world: World) -> None:
    record = make_record(session, make_entity(session), world.units["530502-amr"],
                         status=RecordStatus.EXPIRED)
    with pytest.raises(NotFound):
        submit_objection(session, PUBLIC, record.public_ref, name=None, contact="x",
                         text="0123456789ab")
