"""The nine categories of enterprise information (DOMAIN.md, "涉企信息归集公示"): their
fields (a form each, over the envelope every record shares, read from the form-version
store), whether a record is published, and how long its publication runs.

Periods the domain leaves to "category rules" are the platform's choice, written here:
a record with a validity (a licence, a qualification, an honour, a joint-punishment
measure) is published while it is valid, otherwise for three years.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from engine.runtime.form_versions import sync_shipped
from engine.runtime.forms import FormDefinition, FormField, form_for

ENVELOPE_FORM = "disclosure_envelope"
ENVELOPE_FIELDS = ("party_uscc", "party_name", "decision_number", "decision_date",
                   "backfilled")

ENTRY_DAYS = 7  # working days from the decision to entry
PUBLICATION_DAYS = 20  # working days from the decision to publication
WITHDRAWAL_DAYS = 3  # working days to withdraw a revoked or changed decision

LIGHT_PENALTY_MONTHS = 3
PENALTY_YEARS = 3
DEFAULT_YEARS = 3
SMALL_FINE = Decimal("1")  # 万元: a fine up to this, alone or with criticism, is light
REPAIR_MONTHS = 6
REPAIR_MONTHS_STRICT = 12  # food, drugs, special equipment
STRICT_SECTORS = frozenset({"food", "drug", "special_equipment"})
# The most serious penalties: publication runs its full term, no credit repair.
NO_REPAIR = frozenset({"suspension", "licence_revoked", "charter_revoked",
                       "practice_restricted"})


@dataclass(frozen=True)
class Category:
    code: str
    name_zh: str
    name_en: str
    valid_to_field: str | None = None  # published while valid, when the record says so

    @property
    def form_key(self) -> str:
        return f"disclosure_{self.code}"

    def name(self, locale: str) -> str:
        return self.name_en if locale.startswith("en") else self.name_zh


CATEGORIES: dict[str, Category] = {c.code: c for c in (
    Category("licence", "行政许可", "Administrative licence", "valid_to"),
    Category("penalty", "行政处罚", "Administrative penalty"),
    Category("spot_check", "抽查检查结果", "Spot-check result"),
    Category("support", "小微企业扶持", "Small and micro enterprise support"),
    Category("joint_punishment", "联合惩戒", "Joint punishment", "valid_to"),
    Category("qualification", "资质资格", "Qualification", "valid_to"),
    Category("honour", "荣誉", "Honour", "valid_to"),
    Category("tax_arrears", "欠税", "Tax arrears"),
    Category("social_arrears", "欠保欠薪", "Social-insurance and wage arrears"),
)}

@dataclass(frozen=True)
class RecordForm:
    """The forms a record of one category is entered and read with: the envelope's, then
    the category's own. Resolved once per page, file or batch (`record_form`) and passed
    on, so checking many rows reads no form from the database."""

    category: str
    envelope: FormDefinition
    own: FormDefinition

    @property
    def fields(self) -> tuple[FormField, ...]:
        """The envelope's fields then the category's, as a row of a records file holds them."""
        return (*self.envelope.fields, *self.own.fields)


def record_form(session: Session, code: str) -> RecordForm:
    """The category's forms as the form-version store holds them (`forms.form_for`: the
    latest version deployed, which is what the form editor shows; else the shipped file).
    Their fields are the national standard's: the editor shows them and changes none, so a
    new version comes only from a changed shipped file, deployed by the seeders."""
    return RecordForm(code, form_for(session, ENVELOPE_FORM),
                      form_for(session, CATEGORIES[code].form_key))


def deploy_record_forms(session: Session) -> list[str]:
    """Deploy the shipped record forms (forms/disclosure_*.toml) as form versions, each
    unless a version already holds its content, as a diagram's deploy does for its forms
    (no diagram names these); the keys."""
    keys = [ENVELOPE_FORM, *(c.form_key for c in CATEGORIES.values())]
    for key in keys:
        sync_shipped(session, key)
    return keys


# Fields a record may carry that never leave the platform (DOMAIN.md, "Audit and
# privacy"): the public view drops them whatever the category's form says.
INTERNAL_FIELDS = frozenset({"internal_note", "contact_phone", "id_card_number",
                             "reporter", "reporter_phone"})


def category(code: str) -> Category:
    """The category, KeyError for an unknown code (callers check input first)."""
    return CATEGORIES[code]


def publishable(code: str, fields: dict[str, Any]) -> bool:
    """Whether a record of the category is published once approved: penalties in the
    summary procedure, or whose only category is a warning, are recorded, not published."""
    if code != "penalty":
        return True
    kinds = set(fields.get("penalty_category") or ())
    return fields.get("procedure") != "summary" and kinds != {"warning"}


def publication_end(code: str, fields: dict[str, Any], published_on: date) -> date | None:
    """The last day of publication, or None when it runs for as long as the record holds."""
    if code == "penalty":
        if _light_penalty(fields):
            return add_months(published_on, LIGHT_PENALTY_MONTHS)
        return add_months(published_on, 12 * PENALTY_YEARS)
    field = CATEGORIES[code].valid_to_field
    if field is not None:
        valid_to = fields.get(field)
        if code == "licence":
            return date.fromisoformat(valid_to) if valid_to else None
        if valid_to:
            return date.fromisoformat(valid_to)
    return add_months(published_on, 12 * DEFAULT_YEARS)


def _light_penalty(fields: dict[str, Any]) -> bool:
    """通报批评, or a small fine, with nothing heavier beside them."""
    kinds = set(fields.get("penalty_category") or ())
    if not kinds or not kinds <= {"warning", "criticism", "fine"}:
        return False
    fine = Decimal(str(fields.get("fine") or 0))
    return fine <= SMALL_FINE


def repair_problem(fields: dict[str, Any], published_on: date, today: date) -> str | None:
    """Why credit repair cannot end a penalty's publication today, or None when it may:
    never for the most serious penalties, else after 6 months (12 for food, drugs and
    special equipment) of publication."""
    earliest = earliest_repair(fields, published_on)
    if earliest is None:
        return "repair_never"
    return "repair_too_early" if today < earliest else None


def earliest_repair(fields: dict[str, Any], published_on: date) -> date | None:
    """The first day credit repair may be applied for, None when it never may."""
    if set(fields.get("penalty_category") or ()) & NO_REPAIR:
        return None
    months = REPAIR_MONTHS_STRICT if fields.get("sector") in STRICT_SECTORS else REPAIR_MONTHS
    return add_months(published_on, months)


def add_months(day: date, months: int) -> date:
    """The same day `months` later, or the month's last day when it has no such day."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def public_fields(form: FormDefinition, fields: dict[str, Any]
                  ) -> list[tuple[str, str, str, Any]]:
    """The fields of the category's `form` the public sees, in form order, as (name, label
    zh, label en, value); internal fields are never among them."""
    shown = []
    for f in form.fields:
        value = fields.get(f.name)
        if f.name in INTERNAL_FIELDS or value in (None, "", []):
            continue
        shown.append((f.name, f.label_zh, f.label_en, value))
    return shown
