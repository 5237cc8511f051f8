"""State Council Decree 684 (无证无照经营查处办法) as rules: who is competent for a case
(Art. 5, 6, 7) and the caps on fines (Art. 13, 14)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.dual_notice import item_targets, latest_table
from engine.errors import InvalidInput
from engine.models import OrgKind, OrgUnit
from engine.org.areas import city_code

ARTICLES = {"permit": 5, "business_licence": 6, "both": 7}
MISSING = (*ARTICLES, "none")
FINE_CAPS = {13: 10_000, 14: 5_000}  # yuan
COPY_DAYS = 5  # working days the competent department has to answer a copy-to notice


def article_for(missing: str) -> int:
    """The article that says who handles a case lacking `missing`."""
    if missing not in ARTICLES:
        raise InvalidInput("say what is missing", fields={"missing": "not_a_choice"})
    return ARTICLES[missing]


def competent_department(session: Session, area_code: str, missing: str,
                         licence_item: str | None) -> tuple[int, OrgUnit]:
    """(article, department) competent for an operator of the area lacking `missing`: the
    permit department of the licence item from the routing table (Art. 5, 7), the
    market regulator without a business licence (Art. 6)."""
    article = article_for(missing)
    if article == 6:
        return article, market_regulator(session, area_code)
    item = (licence_item or "").strip().upper()
    if item not in latest_table(session).licence_items():
        raise InvalidInput("name the licence item the operator lacks",
                           code="unknown_licence_item", fields={"licence_item": "unknown"})
    targets = item_targets(session, area_code, item)
    if not targets:
        raise InvalidInput("no department of the area licenses that item",
                           code="no_permit_department", fields={"licence_item": "no_department"})
    return article, targets[0]


def market_regulator(session: Session, area_code: str) -> OrgUnit:
    """The market regulator (市场监管局) of the area, else of the city."""
    for area in (area_code, city_code(session)):
        unit = session.execute(select(OrgUnit).where(
            OrgUnit.code == f"{area}-amr", OrgUnit.kind == OrgKind.DEPARTMENT)).scalar()
        if unit is not None:
            return unit
    raise InvalidInput("the area has no market regulator", code="no_market_regulator",
                       fields={"area_code": "no_market_regulator"})


def check_fine(article: int, amount: int) -> None:
    """Refuse a fine above the cap of its article (Art. 13: 10,000 yuan; Art. 14: 5,000)."""
    if article not in FINE_CAPS:
        raise InvalidInput("a fine under Art. 13 or Art. 14",
                           fields={"fine_article": "not_a_choice"})
    if amount < 0:
        raise InvalidInput("a fine is not negative", fields={"fine_amount": "negative"})
    if amount > FINE_CAPS[article]:
        raise InvalidInput(f"Decree 684 Art. {article} caps the fine at {FINE_CAPS[article]} yuan",
                           code=f"fine_over_cap_{article}", fields={"fine_amount": "over_cap"},
                           cap=FINE_CAPS[article])
