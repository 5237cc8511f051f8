"""The public on a phone: finds an entity by two characters of its name, sees its published
penalty and not the withdrawn one, opens the printable report; no cookie is ever set."""

from __future__ import annotations

from sqlalchemy.orm import Session, sessionmaker

from engine.models import RecordStatus
from tests.factories import World, make_entity, org_by_code
from tests.portal_records import make_record


def test_the_public_finds_a_penalty_on_a_phone(  # type: ignore[no-untyped-def]
        server: str, server_sessions: sessionmaker[Session], world: World, new_page) -> None:
    with server_sessions() as session:
        unit = org_by_code(session, "530502-amr")
        entity = make_entity(session, name="保山永昌烘焙坊有限公司")
        make_entity(session, name="腾冲和顺茶庄")
        make_record(session, entity, unit, number="隆市监罚〔2026〕12号")
        make_record(session, entity, unit, status=RecordStatus.WITHDRAWN,
                    number="隆市监罚〔2026〕99号")
        session.commit()
    page = new_page(width=375, height=740)
    page.goto(f"{server}/public/?lang=en")
    page.get_by_label("Name, unified social credit code or registration number").fill("烘焙")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name="保山永昌烘焙坊有限公司").click()
    assert page.get_by_role("heading", name="保山永昌烘焙坊有限公司").is_visible()
    assert page.get_by_text("隆市监罚〔2026〕12号").is_visible()
    assert page.get_by_text("隆市监罚〔2026〕99号").count() == 0
    assert page.evaluate("document.documentElement.scrollWidth") <= 375  # no sideways scroll
    page.get_by_role("link", name="Credit report").click()
    assert page.get_by_text("Market entity credit report").is_visible()
    assert page.context.cookies() == []
