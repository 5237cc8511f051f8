"""The administrative areas of the installation, read from the unit tree: the city and its
counties (units of kind CITY and COUNTY). Seed data is not configuration; these are."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.models import OrgKind, OrgUnit


def areas(session: Session) -> list[tuple[str, str]]:
    """(area code, name) of the city, then of its counties by code."""
    rows = session.execute(select(OrgUnit.area_code, OrgUnit.name, OrgUnit.kind)
                           .where(OrgUnit.kind.in_([OrgKind.CITY, OrgKind.COUNTY]))
                           .order_by(OrgUnit.kind != OrgKind.CITY, OrgUnit.area_code)).all()
    return [(code, name) for code, name, _kind in rows]


def city_code(session: Session) -> str | None:
    """The area code of the city, None before the unit tree is loaded."""
    return session.execute(select(OrgUnit.area_code).where(OrgUnit.kind == OrgKind.CITY)
                           .order_by(OrgUnit.id).limit(1)).scalar()


def area_lookup(session: Session) -> dict[str, str]:
    """Every way a file may name an area → its code: the code, the name, and the city's
    name followed by a county's ("保山市隆阳区" is 隆阳区)."""
    known = areas(session)
    city_name = next((name for code, name in known if code == city_code(session)), "")
    return {key: code for code, name in known for key in (code, name, city_name + name)}


def department_suffixes(session: Session) -> frozenset[str]:
    """The kinds of member department, as the code suffixes of the city's departments
    ("530500-amr" → "amr")."""
    city = city_code(session)
    if city is None:
        return frozenset()
    codes = session.execute(select(OrgUnit.code).where(
        OrgUnit.kind == OrgKind.DEPARTMENT, OrgUnit.area_code == city)).scalars()
    return frozenset(code.removeprefix(f"{city}-") for code in codes
                     if code.startswith(f"{city}-"))
