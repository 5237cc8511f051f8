"""The steps of a spot_check case, completed with their forms (the process's completer):
who may work each, and what the inspection keeps of it."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy.orm import Session

from engine import audit, runtime
from engine.errors import NotFound
from engine.inspection.cases import PROCESS_KEY, calendar_of, inspection_of_instance
from engine.inspection.field import drawn_officer, finish_inspect, take_within_pair
from engine.inspection.results import apply_recheck, publish_result
from engine.inspection.vocabulary import OBJECTION_DAYS, ORDERS
from engine.models import Inspection

OFFICER_STEPS = ("prepare_inspection", "inspect", "enter_result", "recheck", "check_order")


def complete_step(session: Session, actor: audit.Actor, item_id: int, data: dict[str, Any]
                  ) -> Inspection:
    """A step of an inspection's case submitted with its (validated) form."""
    item = runtime.get_work_item(session, actor, item_id)
    inspection_id = inspection_of_instance(session, item.instance_id)
    inspection = session.get(Inspection, inspection_id or 0)
    if inspection is None or item.process_key != PROCESS_KEY:
        raise NotFound(f"work item {item_id} is no inspection's step",
                       code="not_an_inspection_task")
    data = dict(data)
    if item.task_name in OFFICER_STEPS:
        drawn_officer(session, actor, inspection)
        if item.task_name == "inspect":
            finish_inspect(session, actor, inspection, item, data)
            return inspection
        take_within_pair(session, actor, item)
    approved = item.task_name == "review_result" and data.get("decision") == "approve"
    if item.task_name == "enter_result":
        _enter_result(session, inspection, data)
    elif approved:
        calendar = calendar_of(session, inspection)
        data["objection_ends_at"] = calendar.end_of_day(
            calendar.today() + timedelta(days=OBJECTION_DAYS)).isoformat()
    elif item.task_name == "recheck":
        apply_recheck(session, actor, inspection, data)
    runtime.complete(session, actor, item.id, data)  # refuses whoever may not review
    if approved:
        publish_result(session, actor, inspection, _result_of(inspection, data))
    return inspection


def _enter_result(session: Session, inspection: Inspection, data: dict[str, Any]) -> None:
    inspection.result_code = str(data["result_code"])
    inspection.follow_up = str(data["follow_up"])
    inspection.checklist = {**(inspection.checklist or {}), "result": {
        k: v.isoformat() if isinstance(v, date) else v for k, v in data.items()}}
    if inspection.follow_up in ORDERS:
        deadline = date.fromisoformat(str(data["order_deadline"]))
        data["order_due_at"] = calendar_of(session, inspection).end_of_day(deadline).isoformat()


def _result_of(inspection: Inspection, data: dict[str, Any]) -> dict[str, Any]:
    """The result as entered (kept with the inspection at entry), for its publication."""
    return {**(inspection.checklist or {}).get("result", {}), **{
        k: v for k, v in data.items() if k not in ("decision", "return_reason")}}

