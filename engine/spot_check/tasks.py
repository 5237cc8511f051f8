"""Spot-check tasks, numbered per organiser and year (保市监抽查〔2026〕3号)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from engine import audit, clock
from engine.errors import InvalidInput, NotFound
from engine.models import (
    OrgKind,
    OrgUnit,
    SpecialPool,
    SpotCheckItem,
    SpotCheckTask,
    SpotCheckTaskItem,
    SpotCheckTaskUnit,
)
from engine.spot_check.access import organising_department
from engine.spot_check.directory import RISK_CLASSES

MIN_GENERAL_RATIO = Decimal(3)  # percent, for tasks with a general (一般) item
MIN_OFFICERS = 2
DEFAULT_YEARLY_CAP = 2
# Short names of departments in document numbers (保市监抽查): the rest use their name.
NUMBER_NAMES = {"amr": "市监"}
FILTER_KEYS = ("industries", "areas", "types", "risks")


@dataclass(frozen=True)
class TaskFields:
    """A task as entered."""

    title: str
    item_ids: Sequence[int]
    inspection_date: date
    deadline: date
    targeted: bool = False
    filters: dict[str, list[str]] = field(default_factory=dict)
    pool_id: int | None = None
    ratio_percent: str | None = None
    target_count: int | None = None
    officers_per_target: int = MIN_OFFICERS
    yearly_cap: int = DEFAULT_YEARLY_CAP
    unit_ids: Sequence[int] = ()  # implementing departments besides the organiser
    plan_id: int | None = None


def _ratio(fields: TaskFields, items: list[SpotCheckItem], errors: dict[str, str]
           ) -> Decimal | None:
    if (fields.ratio_percent is None) == (fields.target_count is None):
        errors["ratio_percent"] = "ratio_or_count"
        return None
    if fields.target_count is not None:
        if fields.target_count < 1:
            errors["target_count"] = "out_of_range"
        return None
    try:
        ratio = Decimal(str(fields.ratio_percent))
    except InvalidOperation:
        errors["ratio_percent"] = "not_a_number"
        return None
    general = any(not item.key_item for item in items)
    if ratio > 100 or ratio <= 0 or (general and ratio < MIN_GENERAL_RATIO):
        errors["ratio_percent"] = "below_minimum" if ratio > 0 else "out_of_range"
    return ratio


def _check(session: Session, fields: TaskFields) -> tuple[list[SpotCheckItem], Decimal | None]:
    errors: dict[str, str] = {}
    items = list(session.execute(select(SpotCheckItem).where(
        SpotCheckItem.id.in_(list(fields.item_ids)), SpotCheckItem.active)).scalars())
    if not fields.title.strip():
        errors["title"] = "required"
    if not items or len(items) != len(set(fields.item_ids)):
        errors["item_ids"] = "required"
    ratio = _ratio(fields, items, errors)
    if fields.officers_per_target < MIN_OFFICERS:
        errors["officers_per_target"] = "at_least_two"
    if fields.yearly_cap < 1:
        errors["yearly_cap"] = "out_of_range"
    if fields.deadline < fields.inspection_date:
        errors["deadline"] = "before_inspection"
    unknown = set(fields.filters) - set(FILTER_KEYS)
    if unknown or not set(fields.filters.get("risks", [])) <= set(RISK_CLASSES):
        errors["filters"] = "not_a_choice"
    if fields.pool_id is not None and session.get(SpecialPool, fields.pool_id) is None:
        errors["pool_id"] = "not_a_choice"
    if errors:
        raise InvalidInput("the task has errors", fields=errors)
    return items, ratio


def number_prefix(session: Session, organiser: OrgUnit) -> str:
    """保市监抽查: the first character of the area's name, the department's short name."""
    area = session.execute(select(OrgUnit.name).where(
        OrgUnit.area_code == organiser.area_code,
        OrgUnit.kind.in_([OrgKind.CITY, OrgKind.COUNTY])).limit(1)).scalar() or organiser.name
    suffix = organiser.code.rsplit("-", 1)[-1]
    short = NUMBER_NAMES.get(suffix) or organiser.name.removeprefix(area)[:2]
    return f"{area[:1]}{short}抽查"


def create_task(session: Session, actor: audit.Actor, fields: TaskFields,
                organiser_org_id: int | None = None) -> SpotCheckTask:
    """A task of the actor's department (the CLI names the organiser), numbered next in
    the organiser's year. Audited."""
    department = organising_department(session, actor)
    organiser = department or session.get(OrgUnit, organiser_org_id or 0)
    if organiser is None:
        raise InvalidInput("a task needs an organiser", fields={"organiser": "required"})
    items, ratio = _check(session, fields)
    year = fields.inspection_date.year
    serial = 1 + (session.execute(select(func.max(SpotCheckTask.serial)).where(
        SpotCheckTask.organiser_org_id == organiser.id, SpotCheckTask.year == year)
    ).scalar() or 0)
    filters = {k: sorted(set(v)) for k, v in fields.filters.items() if v}
    task = SpotCheckTask(
        plan_id=fields.plan_id, organiser_org_id=organiser.id, year=year, serial=serial,
        number=f"{number_prefix(session, organiser)}〔{year}〕{serial}号",
        title=fields.title.strip(), targeted=fields.targeted or bool(filters) or bool(
            fields.pool_id), filters=filters, pool_id=fields.pool_id, ratio_percent=ratio,
        target_count=fields.target_count, officers_per_target=fields.officers_per_target,
        yearly_cap=fields.yearly_cap, inspection_date=fields.inspection_date,
        deadline=fields.deadline, created_by=actor.name, created_at=clock.now())
    session.add(task)
    session.flush()
    session.execute(insert(SpotCheckTaskItem),
                    [{"task_id": task.id, "item_id": item.id} for item in items])
    units = sorted({organiser.id, *fields.unit_ids})
    session.execute(insert(SpotCheckTaskUnit),
                    [{"task_id": task.id, "org_unit_id": unit} for unit in units])
    audit.record(session, actor, "spot_check.task_created", "spot_check_task", task.id,
                 number=task.number, items=[item.code for item in items], units=units)
    return task


def get_task(session: Session, task_id: int) -> SpotCheckTask:
    task = session.get(SpotCheckTask, task_id)
    if task is None:
        raise NotFound(f"no spot-check task {task_id}", code="no_such_spot_check_task")
    return task


def task_items(session: Session, task: SpotCheckTask) -> list[SpotCheckItem]:
    return list(session.execute(select(SpotCheckItem).join(
        SpotCheckTaskItem, SpotCheckTaskItem.item_id == SpotCheckItem.id).where(
        SpotCheckTaskItem.task_id == task.id).order_by(SpotCheckItem.code)).scalars())


def task_units(session: Session, task: SpotCheckTask) -> list[OrgUnit]:
    return list(session.execute(select(OrgUnit).join(
        SpotCheckTaskUnit, SpotCheckTaskUnit.org_unit_id == OrgUnit.id).where(
        SpotCheckTaskUnit.task_id == task.id).order_by(OrgUnit.id)).scalars())


def list_tasks(session: Session, year: int | None = None) -> list[SpotCheckTask]:
    query = select(SpotCheckTask).order_by(SpotCheckTask.year.desc(),
                                           SpotCheckTask.organiser_org_id,
                                           SpotCheckTask.serial.desc())
    if year is not None:
        query = query.where(SpotCheckTask.year == year)
    return list(session.execute(query).scalars())
