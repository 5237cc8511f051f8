"""Telling a listed entity, after the 60-day warning, that it moves to the serious list at
three years on the abnormal list (the tell_warning step, with forms/abnormal_warning.toml)."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from engine import audit, runtime
from engine.credit_lists.entries import calendar_of, item_of
from engine.credit_lists.procedure import entry_on
from engine.errors import InvalidInput
from engine.models import CreditListEntry, ListType, WorkItem
from engine.runtime.forms import FormDefinition, form_for, form_of_task, validate

WARNING_STEP = "tell_warning"
WARNING_FORM = "abnormal_warning"


def step_form_of(session: Session, item: WorkItem) -> FormDefinition | None:
    """The declarative form of a list step, as its process version has it; for the warning
    of a case whose version predates the form, the form's latest version (None: the step
    has the list page's own form)."""
    found = form_of_task(session, item)
    if found is None and item.task_name == WARNING_STEP:
        found = form_for(session, WARNING_FORM)
    return found


def tell_warning(session: Session, actor: audit.Actor, entry_id: int, values: dict[str, Any]
                 ) -> CreditListEntry:
    """The regulator told the entity of the move at three years: when (not before the
    warning, not after today), how, and a note; kept on the entry and its record.
    InvalidInput names each field that is wrong."""
    entry = entry_on(session, entry_id, ListType.ABNORMAL)
    item_id = item_of(session, entry, WARNING_STEP)
    item = session.get(WorkItem, item_id)
    assert item is not None
    definition = step_form_of(session, item)
    assert definition is not None
    clean = validate(definition, values)
    told_on = date.fromisoformat(clean["told_on"])
    if told_on > calendar_of(session, entry).today():
        raise InvalidInput("the entity was told on a day ahead", fields={"told_on": "in_future"})
    if entry.warned_on is not None and told_on < entry.warned_on:
        raise InvalidInput("told before the warning", fields={"told_on": "before_warning"})
    entry.warning_told_on, entry.warning_told_how = told_on, clean["told_how"]
    entry.warning_note = clean.get("warning_note") or None
    runtime.complete(session, actor, item_id, {"warning_told_on": told_on.isoformat(),
                                               "warning_told_how": clean["told_how"]})
    way = next((c.zh for f in definition.fields if f.name == "told_how" for c in f.choices
                if c.value == clean["told_how"]), clean["told_how"])
    audit.record(session, actor, "credit_lists.warning_told", "market_entity", entry.entity_id,
                 entry_id=entry.id, told_on=told_on.isoformat(), how=clean["told_how"],
                 reason=f"{told_on.isoformat()} {way}" + (
                     f"：{entry.warning_note}" if entry.warning_note else ""))
    return entry
