"""The credit lists' rules (DOMAIN.md, "失信联合惩戒"): reasons, removal reasons, periods,
the early removal's conditions, and the unit that decides for an area."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.errors import NotFound
from engine.models import OrgKind, OrgUnit

ABNORMAL_PROCESS = "abnormal_list"
SERIOUS_PROCESS = "serious_list"

# The four reasons for the abnormal list.
ABNORMAL_REASONS = ("1", "2", "3", "4")
# 1 annual report not filed by 30 June; 2 instant information not published in the ordered
# period; 3 false published information; 4 not reachable at the registered address.
REPORT_REASON = "1"
# Where a trigger came from.
TRIGGER_SOURCES = ("entered", "spot_check", "annual_report", "penalty", "abnormal_three_years")
# Removal on application, each reason answering one of the listing reasons.
REMOVAL_REASONS = ("report_filed", "obligation_fulfilled", "corrected", "address_changed",
                   "contact_restored")
# The serious list's early removal: every condition must hold.
EARLY_CONDITIONS = ("violation_corrected", "penalty_fulfilled", "no_new_heavy_penalty",
                    "credit_promise")

LISTING_DAYS = 10  # working days from the trigger to the listing decision
REMOVAL_DAYS = 5  # working days to decide a removal application
OBJECTION_DAYS = 30  # calendar days after listing within which an objection is admitted
ACCEPT_DAYS = 5  # working days to accept or reject an objection
VERIFY_DAYS = 20  # working days to verify an accepted objection
WARNING_DAYS = 60  # calendar days before the three years: the warning
LIST_YEARS = 3
EARLY_YEARS = 1  # the serious list's early removal, at the earliest
YELLOW_BEFORE = 2  # working days before a limit the light turns yellow
INDIVIDUAL_PREFIX = "92"  # an individual business is marked, not listed

# Decision numbers: the kind's word in the number.
NUMBER_KINDS = {"abnormal_in": "异入", "abnormal_out": "异出", "serious_in": "严入",
                "serious_out": "严出"}


def years_after(day: date, years: int) -> date:
    """The same day `years` later (28 February for 29 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def regulator_of(session: Session, area_code: str) -> OrgUnit:
    """The market regulator (市场监管局) of an area: it decides its area's listings."""
    unit = session.execute(select(OrgUnit).where(OrgUnit.code == f"{area_code}-amr")).scalar()
    if unit is None:
        raise NotFound(f"no market regulator for area {area_code}", code="no_regulator",
                       area_code=area_code)
    return unit


def upper_regulator(session: Session, unit: OrgUnit) -> OrgUnit | None:
    """The market regulator one level up, when the platform has it: the city's for a
    county's (the area's parent in the tree); the province's for the city's (the province
    has a tree of its own, its area code the city's first two digits and 0000); None when
    that unit is absent."""
    area = session.execute(select(OrgUnit).where(OrgUnit.code == unit.area_code)).scalar()
    if area is None:
        return None
    parent = session.get(OrgUnit, area.parent_id) if area.parent_id else None
    if parent is not None:
        upper_area = parent.area_code
    elif area.kind == OrgKind.CITY:
        upper_area = f"{area.area_code[:2]}0000"
    else:
        return None
    return session.execute(select(OrgUnit).where(
        OrgUnit.code == f"{upper_area}-amr", OrgUnit.active.is_(True))).scalar()


def issuer_word(session: Session, unit: OrgUnit) -> str:
    """The short word of the issuing unit in its numbers: 保 for 保山市, 隆 for 隆阳区."""
    area = session.execute(select(OrgUnit).where(OrgUnit.code == unit.area_code)).scalar()
    return ((area.name if area else unit.name) or "?")[0]
