"""Who owes the feedback on a restriction triggered in an area: each department the measure
names, as that area's unit; where the area has no such department, the city's department of
that kind; where the city has none either, the area's joint-meeting office (联席会议办公室),
which answers for the missing ones (docs/ARCHITECTURE.md, "Joint-punishment feedback")."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, false, func, select, true
from sqlalchemy.orm import Session, aliased

from engine.credit_check.vocabulary import DEPARTMENTS
from engine.models import CreditHit, CreditListEntry, JointMeasure, OrgKind, OrgUnit, User
from engine.org.areas import city_code
from engine.org.scope import department_unit

CHECKER = aliased(OrgUnit, name="checker")
# Where a restriction was triggered: the checking department's area, else the listing's.
AREA = func.coalesce(CHECKER.area_code, CreditListEntry.area_code)


class Standing(enum.StrEnum):
    """Why a unit owes feedback on a restriction."""

    OWN = "own"  # the department of the area, as the measure names it
    CITY = "city"  # the city's department, the area having no such department
    OFFICE = "office"  # the area's joint-meeting office, neither having one


@dataclass(frozen=True)
class Desk:
    """A unit that owes feedback: a member department (its kind, `suffix`) or a joint-meeting
    office; `city` is the city's area code and `departments` every department's
    (area code, suffix) of the installation."""

    unit: OrgUnit
    suffix: str | None
    city: str | None
    departments: frozenset[tuple[str, str]]

    def missing(self, area: str) -> frozenset[str]:
        """The kinds of department neither `area` nor the city has."""
        return frozenset(s for s in DEPARTMENTS if (area, s) not in self.departments
                         and (self.city, s) not in self.departments)

    def standing(self, area: str) -> Standing:
        """Why this desk owes feedback on a restriction triggered in `area` (one it owes)."""
        if self.suffix is None:
            return Standing.OFFICE
        return Standing.OWN if area == self.unit.area_code else Standing.CITY

    def answers_for(self, area: str, implementing: tuple[str, ...] | list[str]
                    ) -> tuple[str, ...]:
        """The kinds of department, of those a measure names, this desk answers for in
        `area`."""
        if self.suffix is not None:
            return (self.suffix,) if self.suffix in implementing else ()
        missing = self.missing(area)
        return tuple(s for s in implementing if s in missing)


def feedback_desk(session: Session, user: User) -> Desk | None:
    """The member department or joint-meeting office the user works in, as a desk that may
    owe feedback; None for anyone outside one."""
    unit = department_unit(session, user.org_unit)
    suffix = None
    if unit.kind == OrgKind.DEPARTMENT:
        suffix = unit.code.removeprefix(f"{unit.area_code}-")
        if suffix == unit.code or suffix not in DEPARTMENTS:
            return None
    elif unit.kind != OrgKind.JOINT_OFFICE:
        return None
    return Desk(unit, suffix, city_code(session), departments(session))


def departments(session: Session) -> frozenset[tuple[str, str]]:
    """(area code, suffix) of every member department ("530502-finance": 530502, finance)."""
    rows = session.execute(select(OrgUnit.area_code, OrgUnit.code)
                           .where(OrgUnit.kind == OrgKind.DEPARTMENT))
    return frozenset((area, code.removeprefix(f"{area}-")) for area, code in rows
                     if code.startswith(f"{area}-"))


def owed_by(session: Session, desk: Desk) -> ColumnElement[bool]:
    """SQL on CreditHit (joined to its entry and CHECKER) true for the restrictions the desk
    owes feedback on."""
    if desk.suffix is None:
        missing = desk.missing(desk.unit.area_code)
        measures = measures_naming(session, missing)
        return and_(CreditHit.measure_id.in_(measures), AREA.in_([desk.unit.area_code])) \
            if measures else false()
    measures = measures_naming(session, {desk.suffix})
    if desk.unit.area_code != desk.city:
        return and_(CreditHit.measure_id.in_(measures), AREA.in_([desk.unit.area_code]))
    served = {area for area, suffix in desk.departments if suffix == desk.suffix} - {desk.city}
    return and_(CreditHit.measure_id.in_(measures), AREA.not_in(served) if served else true())


def measures_naming(session: Session, suffixes: set[str] | frozenset[str]) -> list[int]:
    """Every measure, of any catalogue version, naming one of `suffixes` as an implementer."""
    if not suffixes:
        return []
    rows = session.execute(select(JointMeasure.id, JointMeasure.implementing_departments))
    return [mid for mid, named in rows if set(named or ()) & set(suffixes)]


def answering_code(area: str, suffix: str, city: str | None,
                   known: frozenset[tuple[str, str]], offices: dict[str, str]) -> str | None:
    """The code of the unit that answers for department `suffix` in `area`."""
    if (area, suffix) in known:
        return f"{area}-{suffix}"
    if city is not None and (city, suffix) in known:
        return f"{city}-{suffix}"
    return offices.get(area)


def joint_offices(session: Session) -> dict[str, str]:
    """area code → the code of its joint-meeting office."""
    return dict(session.execute(select(OrgUnit.area_code, OrgUnit.code)
                                .where(OrgUnit.kind == OrgKind.JOINT_OFFICE)
                                .order_by(OrgUnit.id.desc())).all())
