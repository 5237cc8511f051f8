"""A reporter's identity (Decree 684 Art. 9): read only by the handling unit, each read
audited; a named reporter is told the outcome, an anonymous one is not."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from engine import audit, unlicensed
from engine.db import session_factory
from engine.errors import InvalidInput
from engine.models import (
    AuditEvent,
    DeliveryChannel,
    DeliveryStatus,
    NotificationDelivery,
    UnlicensedReporter,
)
from tests.factories import World

PUBLIC = audit.Actor("public", "203.0.113.9")


@pytest.fixture
def world(notice_world: World) -> World:
    return notice_world


def public_report(session, name: str | None = "李举报", contact: str | None = "13912345678"):
    case = unlicensed.report_from_public(
        session, PUBLIC, area_code="530502", name="无名足浴店", address="隆阳区正阳路3号",
        summary="该店无营业执照，长期营业至深夜。", reporter_name=name,
        reporter_contact=contact)
    session.commit()
    return case


def reads(session) -> list[str]:
    return [e.actor for e in session.execute(select(AuditEvent).where(
        AuditEvent.action == "unlicensed.reporter_read")).scalars()]


def test_only_the_handling_unit_reads_the_reporter_and_each_read_is_audited(
        session, world, traveller):
    case = public_report(session)
    assert case.department_org_id == world.units["530502-amr"].id
    for outsider in ("wang", "qian", "admin"):  # joint office, another department, sysadmin
        user = world.users[outsider]
        assert not unlicensed.may_read_reporter(session, user, case)
        assert unlicensed.reporter_for(session, world.actor(outsider), user, case) is None
    assert reads(session) == []
    assert unlicensed.may_read_reporter(session, world.users["zhou"], case)  # a section below
    shown = unlicensed.reporter_for(session, world.actor("chen"), world.users["chen"], case)
    assert shown is not None and (shown.name, shown.contact) == ("李举报", "13912345678")
    assert reads(session) == ["chen"]


def test_a_copied_case_leaves_the_reporter_with_the_new_handling_unit(
        session, world, traveller):
    case = public_report(session)
    unlicensed.triage(session, world.actor("chen"), case.id, "both", "HE-PUBLIC-PLACE",
                      "无照且无卫生许可")
    session.commit()
    assert not unlicensed.may_read_reporter(session, world.users["chen"], case)
    assert unlicensed.may_read_reporter(session, world.users["qian"], case)


def test_a_named_reporter_is_told_the_outcome_an_anonymous_one_is_not(
        session, world, traveller):
    named, anonymous = public_report(session), public_report(session, None, None)
    for case in (named, anonymous):
        unlicensed.triage(session, world.actor("chen"), case.id, "none", None, "证照齐全")
    session.commit()
    told = {r.case_id: r for r in session.execute(select(UnlicensedReporter)).scalars()}
    assert anonymous.id not in told  # nothing stored about an anonymous reporter
    assert told[named.id].told_at is not None
    assert "不予立案" in told[named.id].told_text and named.number in told[named.id].told_text


def test_a_named_reporter_gives_a_contact(session, world, traveller):
    with pytest.raises(InvalidInput) as refused:
        public_report(session, "李举报", "")
    assert refused.value.details["fields"] == {"contact": "required"}


def test_a_reporter_with_an_address_is_mailed_the_outcome_through_the_outbox(
        db_engine, settings, world, traveller):
    mailing = session_factory(db_engine, settings.replace(smtp_host="127.0.0.1"))
    with mailing() as session:
        case = public_report(session, contact="li@example.cn")
        unlicensed.triage(session, world.actor("chen"), case.id, "none", None, "证照齐全")
        session.commit()
        (mail,) = session.execute(select(NotificationDelivery)).scalars()
        assert (mail.channel, mail.recipient, mail.status) == (
            DeliveryChannel.EMAIL, "li@example.cn", DeliveryStatus.PENDING)
        assert case.number in mail.subject and "不予立案" in mail.body
        assert "李举报" in mail.body  # to the reporter only: never on a page or in an export
