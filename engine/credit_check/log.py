"""The credit-check log (信用核查记录) for those who answer for its use (谁使用谁负责): every
check with who, when, what and the result, filtered, paged and exported. System
administrators and auditors read all of it, the city's joint-meeting office too; an area's
office reads its area's departments; a department's administrator reads its own."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, tzinfo
from typing import Any, BinaryIO

from sqlalchemy import ColumnElement, Select, exists, false, or_, select, true
from sqlalchemy.orm import Session

from engine import clock
from engine.audit.log import count_within_cap, local_time, write_rows
from engine.credit_check.vocabulary import ACTIONS
from engine.db import settings_of
from engine.errors import Forbidden
from engine.models import CreditCheck, CreditHit, OrgKind, OrgUnit, Role, User
from engine.paging import Page, page_of
from engine.work.history import display_names

ORIGINS = ("web", "batch", "api", "diagram")
RESULTS = ("restricted", "clear")
NEWEST_FIRST = (CreditCheck.id.desc(),)


@dataclass(frozen=True)
class LogFilter:
    """What the reader narrowed the log to; every field optional."""

    start: date | None = None
    end: date | None = None
    action: str | None = None
    origin: str | None = None
    result: str | None = None  # restricted (at least one hit) or clear
    checked_by: str | None = None  # a user name
    uscc: str | None = None  # asked alone, or in a batch that restricted it


@dataclass(frozen=True)
class LogRow:
    check: CreditCheck
    department: str | None
    checker_name: str


def may_read_log(user: User) -> bool:
    return user.has_role(Role.SYSADMIN, Role.AUDITOR, Role.SUPERVISOR, Role.DEPT_ADMIN)


def _scope(user: User) -> ColumnElement[bool]:
    if not may_read_log(user):
        raise Forbidden("only administrators, supervisors and auditors read the check log",
                        code="not_a_log_reader")
    unit = user.org_unit
    if user.has_role(Role.SYSADMIN, Role.AUDITOR):
        return true()
    if user.has_role(Role.SUPERVISOR) and unit.kind == OrgKind.JOINT_OFFICE:
        parent = unit.parent
        if parent is not None and parent.kind == OrgKind.CITY:
            return true()
        return OrgUnit.area_code == unit.area_code
    if user.has_role(Role.DEPT_ADMIN):
        return OrgUnit.path.startswith(unit.path)
    return false()


def _query(session: Session, user: User, asked: LogFilter) -> Select[Any]:
    zone = settings_of(session).timezone
    query = (select(CreditCheck).add_columns(OrgUnit.name)
             .outerjoin(OrgUnit, OrgUnit.id == CreditCheck.org_unit_id).where(_scope(user)))
    if asked.start:
        query = query.where(CreditCheck.checked_at >= clock.start_of_day(asked.start, zone))
    if asked.end:
        query = query.where(CreditCheck.checked_at <= clock.end_of_day(asked.end, zone))
    if asked.action in ACTIONS:
        query = query.where(CreditCheck.action == asked.action)
    if asked.origin in ORIGINS:
        query = query.where(CreditCheck.origin == asked.origin)
    if asked.result == "restricted":
        query = query.where(CreditCheck.restricted > 0)
    elif asked.result == "clear":
        query = query.where(CreditCheck.restricted == 0)
    if asked.checked_by:
        query = query.where(CreditCheck.checked_by == asked.checked_by)
    if asked.uscc:
        code = asked.uscc.strip().upper()
        hit = exists().where(CreditHit.check_id == CreditCheck.id, CreditHit.uscc == code)
        query = query.where(or_(CreditCheck.uscc == code, hit))
    return query


def check_log(session: Session, user: User, asked: LogFilter, page: int = 1,
              per_page: int = 50) -> Page[LogRow]:
    """One page of the checks the user may read, newest first. Forbidden for officers."""
    found = page_of(session, _query(session, user, asked), NEWEST_FIRST, page, per_page)
    names = display_names(session, {check.checked_by for check, _name in found.rows})
    return Page([LogRow(check, name, names.get(check.checked_by, check.checked_by))
                 for check, name in found.rows], found.total, found.page, found.per_page)


def export_log(session: Session, user: User, asked: LogFilter, headers: Sequence[str],
               labels: dict[str, dict[str, str]], zone: tzinfo, stream: BinaryIO) -> int:
    """The log as `check_log` filters it, in a workbook (times in `zone`; actions, origins
    and results in the reader's words from `labels`), capped like the audit exports."""
    query = _query(session, user, asked)
    total = count_within_cap(session, query)
    rows = session.execute(query.order_by(*NEWEST_FIRST)).all()
    names = display_names(session, {check.checked_by for check, _name in rows})
    write_rows(stream, headers, _lines(rows, names, labels, zone))
    return total


def _lines(rows: Sequence[Any], names: dict[str, str], labels: dict[str, dict[str, str]],
           zone: tzinfo) -> Iterator[list[Any]]:
    for check, department in rows:
        result = "restricted" if check.restricted else "clear"
        yield [check.id, local_time(check.checked_at, zone), check.checked_by,
               names.get(check.checked_by, check.checked_by), department or "",
               labels["origins"].get(check.origin, check.origin),
               labels["actions"].get(check.action, check.action), check.uscc or "",
               check.requested, check.invalid, check.restricted, check.hits,
               labels["results"][result], check.purpose or ""]
