"""Demo unlicensed-operation cases (无证无照) of 隆阳区: a public report waiting for triage,
a spot check's finding under investigation, a case copied to the health commission
waiting for its feedback; and every dual notice's lead made before cases existed."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine import audit, unlicensed
from engine.models import MarketEntity, UnlicensedCase, User

OFFICER = "officer_longyang"
PUBLIC = audit.Actor("public", "seed")


def seed_unlicensed(session: Session, actor: audit.Actor, entities: list[MarketEntity]) -> int:
    """Three cases, once (nothing when any case exists, or without the demo officer: a
    practice copy of another organisation); then the open leads as cases."""
    if session.execute(select(func.count(UnlicensedCase.id))).scalar_one():
        return unlicensed.convert_open_leads(session, actor)
    officer_id = session.execute(select(User.id).where(User.username == OFFICER)).scalar()
    if officer_id is None or not any(e.area_code == "530502" for e in entities):
        return unlicensed.convert_open_leads(session, actor)
    officer = audit.Actor(OFFICER, "seed", officer_id)
    unlicensed.report_from_public(
        session, PUBLIC, area_code="530502", name="正阳南路无名美甲店",
        address="隆阳区正阳南路12号", summary="该店未挂营业执照，已营业半年，晚上营业到很晚。",
        reporter_name="李女士", reporter_contact="13908750000")
    longyang = next(e for e in entities if e.area_code == "530502")
    checked = unlicensed.enter_lead(
        session, officer, source="inspection", uscc=longyang.uscc,
        summary="双随机抽查发现当事人超出许可范围从事食品生产。")
    unlicensed.triage(session, officer, checked.id, "permit", "AMR-FOOD-PRODUCTION",
                      "未取得食品生产许可，属本局查处")
    copied = unlicensed.enter_lead(
        session, officer, source="data", name="兰城路足浴店", address="隆阳区兰城路88号",
        area_code="530502", summary="数据比对：该店水电用量显示持续营业，无登记信息。")
    unlicensed.triage(session, officer, copied.id, "both", "HE-PUBLIC-PLACE",
                      "无照且未取得公共场所卫生许可，依第七条由卫生健康部门查处")
    return 3 + unlicensed.convert_open_leads(session, actor)
