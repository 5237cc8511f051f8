"""Demo credit lists: entries of 隆阳区's market regulator in the states its people meet (a
proposal to decide, a listing with a removal application, an individual business marked,
a serious listing waiting for the city's approval)."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine import audit, credit_lists
from engine.models import CreditListEntry, MarketEntity, User

OFFICER, ADMIN = "officer_longyang", "amr_admin_longyang"


def seed_lists(session: Session, entities: list[MarketEntity], today: date) -> int:
    """Four entries, once (nothing when any entry exists, or without the demo officers: a
    practice copy of another organisation)."""
    if session.execute(select(func.count(CreditListEntry.id))).scalar_one():
        return 0
    if session.execute(select(func.count(User.id)).where(
            User.username.in_((OFFICER, ADMIN)))).scalar_one() < 2:
        return 0
    officer, admin = (_actor(session, name) for name in (OFFICER, ADMIN))
    longyang = [e for e in entities if e.area_code == "530502"]
    companies = [e for e in longyang if not e.uscc.startswith("92")]
    individuals = [e for e in longyang if e.uscc.startswith("92")]
    if len(companies) < 3:
        return 0
    credit_lists.propose_abnormal(session, officer, companies[0], reason="4",
                                  trigger_source="entered", trigger_date=today - timedelta(days=2),
                                  text="通过登记的住所无法联系")
    listed = credit_lists.propose_abnormal(session, officer, companies[1], reason="1",
                                           trigger_source="annual_report",
                                           trigger_date=today - timedelta(days=1),
                                           text="未按规定报送年度报告")
    credit_lists.decide_listing(session, admin, listed.id, "list")
    credit_lists.apply_for_removal(session, officer, listed.id, "report_filed",
                                   "当事人已补报年度报告，申请移出")
    count = 2
    if individuals:
        marked = credit_lists.propose_abnormal(session, officer, individuals[0], reason="4",
                                               trigger_source="entered", trigger_date=today,
                                               text="经营场所无法联系")
        credit_lists.decide_listing(session, admin, marked.id, "list")
        count += 1
    serious = credit_lists.propose_serious(session, officer, companies[2],
                                           violation="销售不符合安全标准的农药",
                                           penalty="吊销营业执照，罚款二十万元",
                                           trigger_date=today)
    credit_lists.decide_proposal(session, admin, serious.id, "list")
    return count + 1


def _actor(session: Session, username: str) -> audit.Actor:
    user = session.execute(select(User).where(User.username == username)).scalar_one()
    return audit.Actor(username, "seed", user.id)
