"""Credit risk classes (信用风险分类, A–D) of market entities, set by the market regulator:
special pools filter on them and the draw weighs them. One at a time or a file of many;
every change is audited with the class before and after, and its reason."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import audit, clock, runtime
from engine.errors import Forbidden, InvalidInput
from engine.models import AuditEvent, MarketEntity, Role, User
from engine.org import areas, scope
from engine.spot_check.directory import RISK_CLASSES

OBJECT_TYPE = "entity_risk"
MAX_REASON, MAX_ROWS = 200, 5000


@dataclass(frozen=True)
class RiskChange:
    entity_id: int
    uscc: str
    name: str
    before: str | None
    after: str | None
    reason: str
    by: str
    at: datetime


def risk_area(session: Session, user: User | None) -> str | None:
    """The area whose entities the user classes: their market regulator's ("" for the city's,
    meaning every area; likewise for the CLI); refused to everyone else."""
    if user is None:
        return ""
    department = scope.department_of(session, user)
    if (department is None or not user.has_role(Role.DEPT_ADMIN)
            or not department.code.endswith("-amr")):
        raise Forbidden("only the market regulator's administrators set risk classes",
                        code="not_regulator_admin")
    return "" if department.area_code == areas.city_code(session) else department.area_code


def may_set_risk(session: Session, user: User | None) -> bool:
    try:
        risk_area(session, user)
    except Forbidden:
        return False
    return True


def set_risk_class(session: Session, actor: audit.Actor, uscc: str, risk_class: str,
                   reason: str) -> RiskChange | None:
    """Set (or clear, with "") one entity's class; None when it already had it."""
    changes = set_risk_classes(session, actor, [(uscc, risk_class)], reason)
    return changes[0] if changes else None


def set_risk_classes(session: Session, actor: audit.Actor,
                     rows: Sequence[tuple[str, str] | tuple[str, str, int]], reason: str
                     ) -> list[RiskChange]:
    """Set many entities' classes at once, all or none: any unknown code, entity outside the
    actor's area or class other than A–D (or empty) refuses the whole set, naming each
    line (a row's third value, its line in the file, or its place). Each change is
    audited with before, after and the reason."""
    area = risk_area(session, runtime.actor_user(session, actor))
    reason = (reason or "").strip()
    if not reason or len(reason) > MAX_REASON:
        raise InvalidInput("the change needs a reason",
                           fields={"reason": "required" if not reason else "too_long"})
    if not rows or len(rows) > MAX_ROWS:
        raise InvalidInput("no rows, or too many", fields={"file": "no_rows" if not rows
                                                           else "too_many_rows"})
    codes = [row[0].strip().upper() for row in rows]
    found = {e.uscc: e for e in session.execute(select(MarketEntity).where(
        MarketEntity.uscc.in_(set(codes)))).scalars()}
    problems: dict[str, str] = {}
    for place, (code, row) in enumerate(zip(codes, rows, strict=True), 1):
        line, value = (row[2] if len(row) > 2 else place), row[1]
        entity = found.get(code)
        if entity is None:
            problems[f"line_{line}"] = "unknown_entity"
        elif area and entity.area_code != area:
            problems[f"line_{line}"] = "outside_area"
        elif value.strip().upper() not in (*RISK_CLASSES, ""):
            problems[f"line_{line}"] = "not_a_risk_class"
    if problems:
        raise InvalidInput("some rows cannot be applied", fields=problems)
    changes, events = [], []
    now = clock.now()
    for code, row in zip(codes, rows, strict=True):
        entity = found[code]
        after = row[1].strip().upper() or None
        if entity.risk_class == after:
            continue
        changes.append(RiskChange(entity.id, entity.uscc, entity.name, entity.risk_class,
                                  after, reason, actor.name, now))
        events.append(("spot_check.risk_class", OBJECT_TYPE, entity.id,
                       {"uscc": entity.uscc, "before": entity.risk_class, "after": after,
                        "reason": reason}))
        entity.risk_class = after
    audit.record_many(session, actor, events)
    return changes


def parse_risk_file(data: bytes) -> list[tuple[str, str, int]]:
    """Rows of a CSV file (UTF-8, with or without BOM, or GBK as spreadsheets save it):
    code, class, and the row's line in the file; a header and blank lines are skipped."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise InvalidInput("the file is not text", fields={"file": "not_text"})
    rows: list[tuple[str, str, int]] = []
    for line, cells in enumerate(csv.reader(io.StringIO(text)), 1):
        cells = [c.strip() for c in cells]
        if not any(cells):
            continue
        if len(cells) < 2:
            raise InvalidInput("each row names a code and a class",
                               fields={f"line_{line}": "two_columns"})
        if not rows and cells[1].upper() not in (*RISK_CLASSES, "") and len(cells[0]) != 18:
            continue  # the header
        rows.append((cells[0], cells[1], line))
    return rows


def risk_changes(session: Session, user: User | None, limit: int = 50) -> list[RiskChange]:
    """The latest changes of risk classes in the user's area, newest first."""
    area = risk_area(session, user)
    query = select(AuditEvent).where(AuditEvent.object_type == OBJECT_TYPE).order_by(
        AuditEvent.id.desc()).limit(limit * 4 if area else limit)
    events = list(session.execute(query).scalars())
    entities = {e.id: e for e in session.execute(select(MarketEntity).where(
        MarketEntity.id.in_({int(ev.object_id) for ev in events}))).scalars()}
    found = []
    for event in events:
        entity = entities.get(int(event.object_id))
        if entity is None or (area and entity.area_code != area):
            continue
        summary = event.summary or {}
        found.append(RiskChange(entity.id, entity.uscc, entity.name, summary.get("before"),
                                summary.get("after"), str(summary.get("reason") or ""),
                                event.actor, event.at))
    return found[:limit]

