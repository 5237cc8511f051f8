"""What each domain adds to the platform. The core never names a domain: it asks here.

To add a domain, list its contributions below (docs/ARCHITECTURE.md, "A new area").
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import ColumnElement, false, or_
from sqlalchemy.orm import Session

from engine import (
    audit,
    credit_check,
    credit_lists,
    disclosure,
    dual_notice,
    inspection,
    registry,
    spot_check,
    unlicensed,
)
from engine.calendar import LOOKUPS
from engine.disclosure import objections
from engine.errors import Conflict
from engine.models import SpotCheckDraw, User, WorkItem
from engine.registry import EntityChange, OnBatch, Preview

Completer = Callable[[Session, audit.Actor, int, dict[str, Any]], object]
"""completer(session, actor, item_id, data): complete a task and keep the domain's rows in
step; the form data is already validated."""

RecordFinder = Callable[[Session, int], int | None]
"""finder(session, instance_id) -> the id of the domain's record whose case this is (its
page is where the case's steps are worked), or None."""

EntityFilter = Callable[[Session, User], ColumnElement[bool]]
"""filter(session, user): SQL on MarketEntity, true for the entities the user sees."""

Describer = Callable[[Session, Sequence[WorkItem]], dict[int, tuple[str, str]]]
"""describer(session, items) -> {item id: (code, name) of what its case is about}, such as
its licence item."""

Summarizer = Callable[[Session, int], list[tuple[str, str, str]]]
"""summarizer(session, instance_id) -> what the case is about, as (label zh, label en,
value) rows the generic task page shows above the form (an objection's text, ...)."""

CaseNamer = Callable[[Session, Sequence[WorkItem]], dict[int, str]]
"""namer(session, items) -> {item id: what its case concerns}, for cases about no market
entity (a spot-check plan: its department, year and title), where a list names the entity."""

DrawReleased = Callable[[Session, audit.Actor, SpotCheckDraw], int]
"""handler(session, actor, draw) -> processes started for the released draw's targets
(engine.spot_check.inspection_targets says what each target is), in its transaction."""

RegistrationHandler = Callable[[Session, audit.Actor, Sequence[EntityChange]], int]
"""handler(session, actor, changes) -> processes started, in the batch's transaction."""

COMPLETERS: dict[str, Completer] = {
    dual_notice.PROCESS_KEY: dual_notice.complete_notice_task,
    disclosure.PROCESS_KEY: disclosure.complete_step,
    objections.PROCESS_KEY: objections.complete_objection_task,
    credit_lists.ABNORMAL_PROCESS: credit_lists.complete_list_task,
    credit_lists.SERIOUS_PROCESS: credit_lists.complete_list_task,
    inspection.PROCESS_KEY: inspection.complete_step,
    unlicensed.PROCESS_KEY: unlicensed.complete_case_step,
    spot_check.PLAN_PROCESS: spot_check.complete_plan_step,
}
CASE_RECORDS: dict[str, RecordFinder] = {
    dual_notice.PROCESS_KEY: dual_notice.notice_of_instance,
    disclosure.PROCESS_KEY: disclosure.record_of_instance,
    credit_lists.ABNORMAL_PROCESS: credit_lists.entry_of_instance,
    credit_lists.SERIOUS_PROCESS: credit_lists.entry_of_instance,
    inspection.PROCESS_KEY: inspection.inspection_of_instance,
    unlicensed.PROCESS_KEY: unlicensed.case_of_instance,
    spot_check.PLAN_PROCESS: spot_check.plan_of_instance,
}
CASE_SUMMARIES: dict[str, Summarizer] = {
    objections.PROCESS_KEY: objections.objection_summary,
    spot_check.PLAN_PROCESS: spot_check.plan_summary,
}
CASE_NAMES: dict[str, CaseNamer] = {
    spot_check.PLAN_PROCESS: spot_check.plan_names,
}
ENTITY_FILTERS: list[EntityFilter] = [
    registry.registrar_filter,
    registry.shared_filter,
    dual_notice.entity_filter,
    inspection.entity_filter,
]
DESCRIBERS: dict[str, Describer] = {
    dual_notice.PROCESS_KEY: dual_notice.licence_items,
}
REGISTRATION_HANDLERS: list[RegistrationHandler] = [
    dual_notice.route_entities,
]
DRAW_RELEASED: list[DrawReleased] = [
    # Each drawn target becomes an inspection case of its drawn officers.
    lambda session, actor, draw: inspection.start_inspections(
        session, actor, spot_check.inspection_targets(session, draw)),
]
REGISTRATION_PREVIEWS: list[Preview] = [
    dual_notice.preview_routes,
]
# What rules may ask the engine for through their context (rules/credit.py).
LOOKUPS["credit_restrictions"] = credit_check.restrictions_for_diagram
# A suspected unlicensed operation found by a dual notice becomes an unlicensed case.
dual_notice.LEAD_HANDLERS[:] = [unlicensed.case_from_lead]


def completer_for(process_key: str) -> Completer | None:
    """The domain service that completes tasks of this process, if it has one."""
    return COMPLETERS.get(process_key)


def case_record(session: Session, process_key: str, instance_id: int) -> int | None:
    """The domain record a case belongs to, when its domain works cases on a page of its
    own (one page per case step, not a generic task page besides it)."""
    finder = CASE_RECORDS.get(process_key)
    return finder(session, instance_id) if finder is not None else None


def case_summary(session: Session, process_key: str, instance_id: int
                 ) -> list[tuple[str, str, str]]:
    """What the case is about, for the generic task page; empty when its domain says
    nothing."""
    summarizer = CASE_SUMMARIES.get(process_key)
    return summarizer(session, instance_id) if summarizer is not None else []


def entity_filter(session: Session, user: User) -> ColumnElement[bool]:
    """SQL: the market entities the user may see through any domain."""
    return or_(false(), *(visible(session, user) for visible in ENTITY_FILTERS))


def on_registrations(actor: audit.Actor) -> OnBatch | None:
    """What new and changed registrations set off, bound to the actor; None when no
    domain reacts to them."""
    if not REGISTRATION_HANDLERS:
        return None
    handlers = tuple(REGISTRATION_HANDLERS)
    return lambda session, changes: sum(handle(session, actor, changes) for handle in handlers)


def registration_preview() -> Preview | None:
    """Where registrations would go, by every domain that routes them (a dry run's
    preview); None when none does."""
    if not REGISTRATION_PREVIEWS:
        return None
    previews = tuple(REGISTRATION_PREVIEWS)

    def preview(session: Session, records: list[dict[str, Any]]
                ) -> list[list[tuple[str, str, str | None]]]:
        found: list[list[tuple[str, str, str | None]]] = [[] for _ in records]
        for one in previews:
            for targets, more in zip(found, one(session, records), strict=True):
                targets.extend(more)
        return found

    return preview


def case_subjects(session: Session, items: Sequence[WorkItem]) -> dict[int, tuple[str, str]]:
    """{item id: (code, name) of what its case is about}, from the domain of its process."""
    found: dict[int, tuple[str, str]] = {}
    for key, describe in DESCRIBERS.items():
        mine = [item for item in items if item.process_key == key]
        if mine:
            found.update(describe(session, mine))
    return found


def case_names(session: Session, items: Sequence[WorkItem]) -> dict[int, str]:
    """{item id: what its case concerns}, for items of cases about no market entity whose
    domain names them."""
    found: dict[int, str] = {}
    for key, name in CASE_NAMES.items():
        mine = [item for item in items if item.process_key == key]
        if mine:
            found.update(name(session, mine))
    return found


def release_draw(session: Session, actor: audit.Actor, draw_id: int) -> int:
    """Release a sealed draw: mark it released, then let each domain that acts on drawn
    targets start its work (the inspection lifecycle). Returns the processes started."""
    draw = spot_check.mark_released(session, actor, draw_id)
    return sum(handle(session, actor, draw) for handle in DRAW_RELEASED)


def _propose_listing(session: Session, actor: audit.Actor, request: Any, entity: Any,
                     checked_on: Any) -> None:
    """Hand a spot check's listing request to the abnormal list (the regulator of the
    entity's area decides within 10 working days of the check); an entity already listed
    or proposed keeps its entry, and the request says so."""
    try:
        with session.begin_nested():
            entry = credit_lists.propose_abnormal(
                session, actor, entity, reason=request.reason, trigger_source="spot_check",
                trigger_date=checked_on,
                text=f"双随机抽查结果（检查记录 {request.inspection_id}）")
    except Conflict:
        request.state = "already on the list"
        return
    request.state = f"proposed: list entry {entry.id}"


# An objection on the portal to a spot check's published result goes to its inspection's
# case (the objection step, then the re-check), not to the generic objection task.
disclosure.OBJECTION_PROCEDURES["inspection"] = disclosure.ProcedureObjections(
    window=inspection.objection_window_of, take=inspection.take_public_objection)

# A spot check's follow-up "list as abnormal" is proposed to the lists procedure.
inspection.ABNORMAL_HANDLERS[:] = [_propose_listing]
