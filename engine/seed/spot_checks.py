"""Demo spot checks: three items of the city regulator's list and the qualifications of the
demo officers, so the pages show something."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine import audit, spot_check
from engine.models import OrgUnit, SpotCheckItem, User
from engine.spot_check import ItemFields

ITEMS = [
    ItemFields("市监抽-001", "企业公示信息的检查", ("年度报告公示信息", "即时公示信息"),
               "书面检查、实地核查", None, "《企业信息公示暂行条例》第十四条", "企业", "3",
               "每年一次", False),
    ItemFields("市监抽-002", "食品经营者经营行为检查",
               ("许可证公示", "从业人员健康证明", "进货查验记录"), "实地核查", "食品",
               "《中华人民共和国食品安全法》第一百一十条", "食品经营者", "5", "每年一次", False),
    ItemFields("市监抽-003", "特种设备使用单位检查", ("使用登记", "定期检验", "作业人员持证"),
               "实地核查", "特种设备", "《中华人民共和国特种设备安全法》第五十七条",
               "特种设备使用单位", "10", "每年一次", True),
]
QUALIFIED = {"officer_longyang": ("食品", "特种设备"), "officer_longyang2": ("食品",),
             "officer_tengchong": ("食品",)}


def seed_spot_checks(session: Session, actor: audit.Actor) -> int:
    """The items and qualifications, once (nothing when the list has items)."""
    if session.execute(select(func.count(SpotCheckItem.id))).scalar_one():
        return 0
    owner = session.execute(select(OrgUnit.id).where(OrgUnit.code == "530500-amr")).scalar()
    if owner is None:
        return 0
    for fields in ITEMS:
        spot_check.save_item(session, actor, fields, owner_org_id=owner)
    for username, tags in QUALIFIED.items():
        user = session.execute(select(User).where(User.username == username)).scalar()
        if user is None:
            continue
        for tag in tags:
            spot_check.grant_qualification(session, actor, user, tag)
    return len(ITEMS)
