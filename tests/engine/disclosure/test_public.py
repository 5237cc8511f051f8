"""The public view of an entity: public registration fields, published records only, by
category, with their dates and authority; internal fields never, numbers masked."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from engine.disclosure.public import public_entity, published_record
from engine.errors import NotFound
from engine.models import RecordStatus
from tests.factories import World, make_entity
from tests.portal_records import SECRETS, make_record


def test_published_records_only_by_category(session: Session, world: World) -> None:
    entity = make_entity(session, name="保山永昌烘焙坊", phone="13811112222")
    unit = world.units["530502-amr"]
    shown = make_record(session, entity, unit)
    licence = make_record(session, entity, unit, category="licence", fields={
        "licence_category": "general", "certificate_name": "食品经营许可证"})
    for status in (RecordStatus.WITHDRAWN, RecordStatus.EXPIRED, RecordStatus.ENDED_EARLY,
                   RecordStatus.DRAFT, RecordStatus.SUBMITTED, RecordStatus.RECORDED):
        make_record(session, entity, unit, status=status)
    view = public_entity(session, entity.uscc.lower())
    assert list(view.records) == ["licence", "penalty"]  # in the categories' order
    assert [r.public_ref for r in view.records["penalty"]] == [shown.public_ref]
    assert [r.public_ref for r in view.records["licence"]] == [licence.public_ref]
    record = view.records["penalty"][0]
    assert record.authority == "隆阳区市场监管局" and record.decision_date == shown.decision_date
    assert "phone" not in view.values and view.values["legal_representative"] == "张三"


def test_no_internal_field_and_numbers_masked(session: Session, world: World) -> None:
    entity = make_entity(session, address="永昌路1号 联系13911112222")
    make_record(session, entity, world.units["530502-amr"])
    view = public_entity(session, entity.uscc)
    text = repr(view)
    assert not [secret for secret in SECRETS if secret in text]
    assert "139****2222" in view.values["address"]
    fields = {f.name: f for f in view.records["penalty"][0].fields}
    assert "internal_note" not in fields and "reporter" not in fields
    assert fields["penalty_category"].value_zh == "罚款"
    assert fields["penalty_category"].value_en == "Fine"


def test_unknown_and_unpublished(session: Session, world: World) -> None:
    entity = make_entity(session)
    withdrawn = make_record(session, entity, world.units["530502-amr"],
                            status=RecordStatus.WITHDRAWN)
    with pytest.raises(NotFound):
        public_entity(session, "91530502MA6K0000X0")
    with pytest.raises(NotFound):
        published_record(session, withdrawn.public_ref)
