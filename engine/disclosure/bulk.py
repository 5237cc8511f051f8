"""Records entered in bulk (a department's file, another system's push): each row checked
with the entry form's rules (`records.check_values`), the party matched against the
registry one query per batch, written as drafts of the department and sent on: to review,
or straight to publication when the department's administrator allows it
(`DisclosureSetting.direct_publication`). The cases start through the runtime's bulk
start, one batch at a time.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import audit, clock, runtime
from engine.calendar import WorkdayCalendar, calendar_for
from engine.db import insert_returning_ids, settings_of
from engine.disclosure.categories import (
    RecordForm,
    publication_end,
    publishable,
    record_form,
)
from engine.disclosure.columns import choice_labels
from engine.disclosure.procedure import DIAGRAM, NO_END, PROCESS_KEY
from engine.disclosure.records import check_values, entering_department
from engine.errors import Forbidden, InvalidInput
from engine.models import (
    DataSource,
    DisclosureRecord,
    DisclosureSetting,
    MarketEntity,
    OrgUnit,
    RecordStatus,
    Role,
)
from engine.registry import uscc_problem
from engine.runtime.deploy import deploy_shipped


@dataclass(frozen=True)
class RowProblem:
    """Why a row (a file's row number, or a pushed record's index) was refused: the field,
    and the reason in plain words (`webapp` words them for the user)."""

    row: int
    field: str
    reason: str


@dataclass
class Checked:
    """A row that passed every check, ready to be written."""

    row: int
    envelope: dict[str, Any]
    fields: dict[str, Any]
    entity_id: int
    party_name: str
    party_uscc: str


@dataclass
class Outcome:
    """What bulk entry did with a batch of rows."""

    checked: list[Checked] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    record_ids: list[int] = field(default_factory=list)

    @property
    def refused_rows(self) -> set[int]:
        return {p.row for p in self.problems}


class Seen:
    """The records already met, in the file and in the department's records, so that a
    decision is entered once: (category, USCC, decision number) → the row it was first in
    (0 when it was stored before)."""

    def __init__(self) -> None:
        self.rows: dict[tuple[str, str], int] = {}
        self.codes: set[str] = set()  # whose stored records are in `rows` already

    def load(self, session: Session, category: str, department: OrgUnit,
             codes: set[str]) -> None:
        """The stored records of the codes not met before (what this run enters after
        that is in `rows` already, so a later batch of the file reads no code twice)."""
        codes = codes - self.codes
        if not codes:
            return
        self.codes |= codes
        stored = session.execute(select(DisclosureRecord.party_uscc,
                                        DisclosureRecord.decision_number).where(
            DisclosureRecord.category == category,
            DisclosureRecord.source_org_id == department.id,
            DisclosureRecord.party_uscc.in_(codes)))
        for code, number in stored:
            self.rows.setdefault((code, (number or "").strip()), 0)


def direct_publication(session: Session, department: OrgUnit) -> bool:
    """Whether the department's bulk-entered records are published without review."""
    setting = session.get(DisclosureSetting, department.id)
    return setting is not None and setting.direct_publication


def set_direct_publication(session: Session, actor: audit.Actor, allowed: bool
                           ) -> DisclosureSetting:
    """Allow (or stop) publishing the actor's department's bulk-entered records without
    review: its administrator's choice. Audited."""
    department = entering_department(session, actor)
    user = runtime.actor_user(session, actor)
    if user is not None and not user.has_role(Role.DEPT_ADMIN):
        raise Forbidden("only the department's administrator changes its settings",
                        code="not_settings_admin")
    setting = session.get(DisclosureSetting, department.id)
    if setting is None:
        setting = DisclosureSetting(org_unit_id=department.id)
        session.add(setting)
    before = bool(setting.direct_publication)
    setting.direct_publication = allowed
    setting.updated_by, setting.updated_at = actor.name, clock.now()
    session.flush()
    audit.record(session, actor, "disclosure.setting", "org_unit", department.id,
                 direct_publication=allowed, before=before)
    return setting


def check_rows(session: Session, category: str, department: OrgUnit,
               rows: Sequence[tuple[int, dict[str, Any]]], seen: Seen,
               early: dict[int, dict[str, str]] | None = None, *,
               form: RecordForm | None = None) -> Outcome:
    """Check a batch of rows ((row, raw values by field)) as the entry form would, the
    registry looked up once for the batch; a row naming a decision already entered (in the
    file or before) is refused. `early` holds problems found while reading the cells. The
    category's `form`, when the caller has it, else read once for the batch."""
    outcome = Outcome()
    form = form or record_form(session, category)
    codes = {str(raw.get("party_uscc") or "").strip().upper() for _row, raw in rows}
    entities = {e.uscc: e for e in session.execute(select(MarketEntity).where(
        MarketEntity.uscc.in_(codes - {""}))).scalars()}
    seen.load(session, category, department, codes - {""})
    fields_by_name = {f.name: f for f in form.fields}
    for number, raw in rows:
        problems = dict((early or {}).get(number, {}))
        try:
            envelope, fields, entity = check_values(session, category, raw, entities=entities,
                                                 form=form)
        except InvalidInput as exc:
            problems.update(exc.details.get("fields", {}))  # type: ignore[call-overload]
            registered = exc.details.get("registered_name")
            outcome.problems.extend(RowProblem(number, name, _reason(
                fields_by_name.get(name), code, raw, registered))
                for name, code in problems.items())
            continue
        key = (entity.uscc, (envelope.get("decision_number") or "").strip())
        first = seen.rows.setdefault(key, number)
        if first != number:
            problems["decision_number"] = (f"duplicate of row {first}" if first
                                           else "already entered")
        if problems:
            outcome.problems.extend(RowProblem(number, name, _reason(
                fields_by_name.get(name), code, raw, None)) for name, code in problems.items())
            continue
        outcome.checked.append(Checked(number, envelope, fields, entity.id, entity.name,
                                       entity.uscc))
    return outcome


def _reason(f: Any, code: str, raw: dict[str, Any], registered: object) -> str:
    """A form check's code as a sentence with the value that failed it."""
    value = raw.get(f.name) if f is not None else None
    text = "、".join(map(str, value)) if isinstance(value, list) else str(value or "")
    if code == "bad_uscc":
        return f"invalid unified social credit code {text}: {uscc_problem(text.upper())}"
    if code == "not_registered":
        return f"not in the registry: {text}"
    if code == "name_mismatch":
        return f"the registry names this code {registered}, the row {text}"
    if code.startswith("not a date"):
        return f"not a date: {text} (write YYYY-MM-DD)"
    if code == "not one of the choices" and f is not None:
        return f"not one of the choices: {text} (choose from {choice_labels(f)})"
    if code == "not a number":
        return f"not an amount: {text}"
    if code.startswith("at most") and f is not None and f.type in ("text", "textarea"):
        return f"longer than {code.split()[2]} characters ({len(text)})"
    return code


def enter_checked(session: Session, actor: audit.Actor, category: str, department: OrgUnit,
                  checked: Sequence[Checked], data_source: DataSource) -> list[int]:
    """Write checked rows as the department's records (their ids, in order), audited as
    entered, and start
    their cases in one go: each waits for review, or is published (or recorded, when its
    category is not published) at once when the department allows direct publication."""
    if not checked:
        return []
    calendar = calendar_for(session, settings_of(session), department.area_code)
    direct = direct_publication(session, department)
    now = clock.now()
    rows = [_row(category, department, c, data_source, actor, now) for c in checked]
    ids = insert_returning_ids(session, DisclosureRecord.__table__, rows)
    audit.record_many(session, actor, [
        ("disclosure.enter", "disclosure_record", record_id,
         {"category": category, "entity_id": row["entity_id"], "source": data_source.value})
        for record_id, row in zip(ids, rows, strict=True)])
    deploy_shipped(session, PROCESS_KEY, DIAGRAM)
    requests = [runtime.StartRequest(
        _start_data(category, department, record_id, row, direct, calendar),
        business_key=f"record-{record_id}", entity_id=row["entity_id"],
        area_code=department.area_code) for record_id, row in zip(ids, rows, strict=True)]
    # Alike but for the record (and, for review, whether it is published): stamped.
    varying = frozenset({"record_id"} if direct else {"record_id", "publishable"})
    runtime.start_processes(session, actor, PROCESS_KEY, requests,
                            varying=varying)  # sync_records follows
    return ids


def _row(category: str, department: OrgUnit, c: Checked, data_source: DataSource,
         actor: audit.Actor, now: Any) -> dict[str, Any]:
    return {"public_ref": secrets.token_urlsafe(12), "category": category,
            "entity_id": c.entity_id, "party_name": c.party_name, "party_uscc": c.party_uscc,
            "source_org_id": department.id, "area_code": department.area_code,
            "decision_number": c.envelope.get("decision_number"),
            "decision_date": date.fromisoformat(c.envelope["decision_date"]),
            "fields": c.fields, "publishable": publishable(category, c.fields),
            "status": RecordStatus.DRAFT, "data_source": data_source,
            "backfilled": c.envelope.get("backfilled") == "yes", "origin": None,
            "instance_id": None, "entered_by": actor.name, "entered_at": now,
            "updated_at": now}


def _start_data(category: str, department: OrgUnit, record_id: int, row: dict[str, Any],
                direct: bool, calendar: WorkdayCalendar) -> dict[str, Any]:
    """What `procedure.submit` gives a case, and for direct publication its end."""
    data: dict[str, Any] = {
        "department_org": department.code, "area_code": department.area_code,
        "record_id": record_id, "category": category, "needs_entry": False,
        "publishable": row["publishable"]}
    if direct:
        ends = publication_end(category, row["fields"], calendar.today())
        data["needs_entry"] = "publish"
        data["publication_ends_at"] = calendar.end_of_day(ends or NO_END).isoformat()
    return data

