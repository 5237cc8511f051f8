"""The entity page's engine side: who sees an entity, masking, audited reveals, histories."""

from __future__ import annotations

import pytest
import time_machine
from sqlalchemy import select

from engine import audit
from engine.calendar import calendar_for
from engine.db import settings_of
from engine.dual_notice.history import notice_histories
from engine.dual_notice.notices import notice_claim, notice_dispatch, notice_return
from engine.dual_notice.routing import route_entities
from engine.entity_page import entity_page
from engine.entity_records import (
    find_entities,
    mask_number,
    mask_text,
    registration,
    reveal_registration,
)
from engine.errors import Forbidden, InvalidInput, NotFound
from engine.models import AuditEvent
from tests.factories import MONDAY, Change, make_entity, notices_of

IMPORT = audit.Actor("test:import", "test")
PHONE, ID_CARD = "13912345678", "53050219900101123X"


@pytest.fixture
def world(notice_world):
    return notice_world


@pytest.fixture
def entity(session, world):
    with time_machine.travel(MONDAY, tick=False):
        created = make_entity(session, "印章刻制", phone=PHONE,
                              address=f"永昌路1号，联系人身份证{ID_CARD}，座机0875-2123456")
        route_entities(session, IMPORT, [Change(created)])
    return created


def reveals(session) -> list[AuditEvent]:
    return list(session.execute(select(AuditEvent).where(
        AuditEvent.action == "entity.reveal")).scalars())


@pytest.mark.parametrize(("text", "masked"), [
    ("13912345678", "139****5678"), ("0875-2123456", "087*****3456"), ("12345", "****"),
    (None, None), ("", ""),
])
def test_numbers_are_masked_to_their_ends(text, masked):
    assert mask_number(text) == masked


def test_id_and_phone_numbers_inside_text_are_masked_and_the_rest_kept():
    text = f"住所：永昌路1号 {ID_CARD}，电话13912345678；统一社会信用代码91530502MA6K0000XB"
    assert mask_text(text) == ("住所：永昌路1号 530***********123X，电话139****5678；"
                               "统一社会信用代码91530502MA6K0000XB")


def test_the_registration_is_masked_for_everyone_who_may_see_it(session, world, entity):
    for user in ("hu", "zhou", "luo", "wang", "admin"):
        shown = registration(session, world.actor(user), entity.id)
        assert shown.values["phone"] == "139****5678" and ID_CARD not in shown.values["address"]
        assert shown.personal == ("phone", "address") and not shown.revealed
    assert registration(session, world.actor("hu"), entity.id).may_reveal
    assert not registration(session, world.actor("wang"), entity.id).may_reveal
    assert entity.phone == PHONE, "the stored value is untouched"
    assert reveals(session) == []


def test_entities_outside_scope_are_not_found(session, world, entity):
    for user in ("liu", "zhao"):  # of another county (隆阳区's departments share its registry)
        with pytest.raises(NotFound):
            registration(session, world.actor(user), entity.id)
    assert find_entities(session, world.users["liu"]).total == 0
    assert [e.id for e in find_entities(session, world.users["hu"], "测试").rows] == [entity.id]
    assert find_entities(session, world.users["hu"], "其他").total == 0


def test_a_reveal_needs_a_reason_and_is_audited(session, world, entity):
    with pytest.raises(InvalidInput):
        reveal_registration(session, world.actor("hu"), entity.id, "  看 ")
    with pytest.raises(Forbidden):
        reveal_registration(session, world.actor("wang"), entity.id, "督办需要联系")
    assert reveals(session) == []
    shown = reveal_registration(session, world.actor("hu"), entity.id, "联系申请人办理许可")
    assert shown.revealed and shown.values["phone"] == PHONE
    assert ID_CARD in shown.values["address"]
    (event,) = reveals(session)
    assert (event.actor, event.object_type, event.object_id) == ("hu", "market_entity",
                                                                 str(entity.id))
    assert event.summary == {"fields": ["phone", "address"], "reason": "联系申请人办理许可"}
    assert audit.verify(session).broken is None


def test_the_page_shows_notices_their_history_and_the_trail(session, world, entity):
    calendar = calendar_for(session, settings_of(session))
    (notice,) = notices_of(session, entity)
    with time_machine.travel(MONDAY, tick=False):
        notice_claim(session, world.actor("hu"), notice.id)
        notice_dispatch(session, world.actor("luo"), notice.id,
                        org_unit_id=world.units["530502-psb-st"].id)
    page = entity_page(session, world.actor("hu"), entity.id, calendar,
                       reveal_reason="联系申请人办理许可")
    assert [row.notice.id for row in page.notices] == [notice.id]
    steps = [(e.actor, e.action, e.details.get("to")) for e in page.histories[notice.id]]
    assert steps == [("hu", "notice.claim", None), ("luo", "notice.dispatch", "永昌派出所")]
    assert [e.action for e in page.trail] == ["entity.reveal", "entity.route"]
    assert page.registration.revealed and not page.papers
    assert entity_page(session, world.actor("zhou"), entity.id, calendar).papers


def test_a_returned_notice_shows_its_reason(session, world, entity):
    (notice,) = notices_of(session, entity)
    with time_machine.travel(MONDAY, tick=False):
        notice_return(session, world.actor("hu"), notice.id, 2, "不在辖区")
    (entry,) = notice_histories(session, [notice])[notice.id]
    assert entry.action == "notice.return" and entry.details == {"reason": 2}
