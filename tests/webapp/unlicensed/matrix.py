"""The unlicensed-operation case the authorization matrix walks: a public report received
by 隆阳区's market regulator, waiting for triage."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from engine import audit, unlicensed

PUBLIC = audit.Actor("public", "203.0.113.9")
REPORTER_NAME, REPORTER_PHONE = "欧阳举报", "13987654321"


def arrange_unlicensed(session: Session) -> dict[str, Any]:
    case = unlicensed.report_from_public(
        session, PUBLIC, area_code="530502", name="无名美甲店", address="隆阳区正阳南路12号",
        summary="该店未取得营业执照，已营业半年。", reporter_name=REPORTER_NAME,
        reporter_contact=REPORTER_PHONE)
    (item,) = unlicensed.open_steps(session, case)
    return {"unlicensed_case": case.id, "unlicensed_item": item.id}
