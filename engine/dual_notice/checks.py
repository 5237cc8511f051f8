"""Checking what people enter on dual-notice steps: reason codes, notes, licence details."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import clock
from engine.errors import InvalidInput
from engine.models import OrgUnit

# Why a department returns a notice (DOMAIN.md, 双告知).
RETURN_REASONS = {0: "经营范围中无此许可事项", 1: "经营范围不属本部门职责", 2: "住所不在本辖区"}
OUTCOMES = ("granted", "not_applied", "suspected_unlicensed")
MAX_NOTE = 500


def return_reason(reason: int | str) -> int:
    """A return reason code 0, 1 or 2."""
    try:
        code = int(str(reason).strip())
    except ValueError:
        code = -1
    if code not in RETURN_REASONS:
        raise InvalidInput("choose a reason (0, 1 or 2)", fields={"return_reason": "required"})
    return code


def note_text(note: str | None, *, required: bool = False, field: str = "note") -> str:
    """A stripped note of at most MAX_NOTE characters (at least 2 when required)."""
    text = (note or "").strip()
    if required and len(text) < 2:
        raise InvalidInput("explain in a note", fields={field: "required"})
    if len(text) > MAX_NOTE:
        raise InvalidInput(f"at most {MAX_NOTE} characters", fields={field: "too_long"})
    return text


def licence_details(outcome: str, number: str | None, day: date | str | None
                    ) -> tuple[str | None, date | None]:
    """The licence number and date: both required, the date not in the future, when the
    outcome is "granted"; nothing for the other outcomes."""
    if outcome not in OUTCOMES:
        raise InvalidInput("choose an outcome", fields={"outcome": "not_a_choice"})
    if outcome != "granted":
        return None, None
    errors = {}
    number = (number or "").strip()
    if not number:
        errors["licence_no"] = "required"
    try:
        parsed = day if isinstance(day, date) else date.fromisoformat(str(day or ""))
    except ValueError:
        parsed = None
    if parsed is None:
        errors["licence_date"] = "required"
    elif parsed > clock.local_today():
        errors["licence_date"] = "in_the_future"
    if errors:
        raise InvalidInput("a granted licence needs its number and date", fields=errors)
    return number[:100], parsed


def department_unit(session: Session, value: Any, field: str = "new_department") -> OrgUnit:
    """An org unit given by its code (or id), as a form's org field submits it."""
    text = str(value or "").strip()
    unit = session.execute(select(OrgUnit).where(OrgUnit.code == text)).scalar()
    if unit is None and text.isdigit():
        unit = session.get(OrgUnit, int(text))
    if unit is None:
        raise InvalidInput("choose a department", fields={field: "required"})
    return unit
