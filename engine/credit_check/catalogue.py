"""The joint punishment catalogue (联合惩戒措施清单): versions written by administrators,
read by every check from a per-process cache (a version never changes once written)."""

from __future__ import annotations

import re
import time
import weakref
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, event, func, insert, select
from sqlalchemy.orm import Session, SessionTransaction

from engine import audit, clock
from engine.credit_check.seed import SEED_MEASURES
from engine.credit_check.vocabulary import ACTIONS, DEPARTMENTS, MAX_MEASURES
from engine.errors import Forbidden, InvalidInput, NotFound
from engine.models import CatalogueVersion, JointMeasure, ListType, Role, User
from engine.models.credit_check import measure_fields

# Another process may publish a version: the current one is looked up again this often.
RECHECK_SECONDS = 2.0
_CODE = re.compile(r"^[A-Z][A-Z0-9-]{0,19}$")


@dataclass(frozen=True)
class Measure:
    id: int
    code: str
    list_type: ListType
    title: str
    basis_document: str
    basis_clause: str
    initiating_department: str
    implementing_departments: tuple[str, ...]
    actions: tuple[str, ...]
    period_years: int | None


@dataclass(frozen=True)
class Catalogue:
    """One version's measures, indexed by action type and list."""

    version_id: int
    number: int
    measures: tuple[Measure, ...]
    by_action: Mapping[str, Mapping[ListType, tuple[Measure, ...]]] = field(repr=False)


@dataclass
class _Current:
    key: tuple[int, datetime]  # a version's id and time: an id a rollback freed may return
    checked_at: float


_versions: weakref.WeakKeyDictionary[Engine, dict[tuple[int, datetime], Catalogue]] = (
    weakref.WeakKeyDictionary())
_current: weakref.WeakKeyDictionary[Engine, _Current] = weakref.WeakKeyDictionary()


def _engine(session: Session) -> Engine:
    bind = session.get_bind()
    return bind.engine if isinstance(bind, Connection) else bind


def _build(version: CatalogueVersion, rows: Iterable[JointMeasure]) -> Catalogue:
    measures = tuple(Measure(r.id, r.code, ListType(r.list_type), r.title, r.basis_document,
                             r.basis_clause, r.initiating_department,
                             tuple(r.implementing_departments), tuple(r.actions),
                             r.period_years) for r in rows)
    by_action: dict[str, dict[ListType, tuple[Measure, ...]]] = {}
    for action in ACTIONS:
        by_action[action] = {t: tuple(m for m in measures
                                      if m.list_type == t and action in m.actions)
                             for t in ListType}
    return Catalogue(version.id, version.number, measures, by_action)


def catalogue_version(session: Session, version_id: int) -> Catalogue:
    """The catalogue as it was in one version."""
    version = session.get(CatalogueVersion, version_id)
    if version is None:
        raise NotFound(f"no catalogue version {version_id}", code="no_catalogue_version")
    rows = session.scalars(select(JointMeasure).where(JointMeasure.version_id == version_id)
                           .order_by(JointMeasure.code))
    return _build(version, rows)


def current_catalogue(session: Session) -> Catalogue:
    """The newest version, looked up again at most every RECHECK_SECONDS; its measures are
    read once per process (a version never changes)."""
    engine, now = _engine(session), time.monotonic()
    current = _current.get(engine)
    if current is None or now - current.checked_at > RECHECK_SECONDS:
        newest = session.execute(select(CatalogueVersion.id, CatalogueVersion.created_at)
                                 .order_by(CatalogueVersion.id.desc()).limit(1)).first()
        if newest is None:
            raise NotFound("the joint punishment catalogue is empty", code="no_catalogue")
        current = _current[engine] = _Current((newest[0], newest[1]), now)
    cached = _versions.setdefault(engine, {})
    found = cached.get(current.key)
    if found is None:
        found = cached[current.key] = catalogue_version(session, current.key[0])
    return found


def versions(session: Session) -> list[CatalogueVersion]:
    """Every version, the newest first."""
    return list(session.scalars(select(CatalogueVersion)
                                .order_by(CatalogueVersion.number.desc())))


def may_edit(user: User) -> bool:
    """System administrators and the administrators of a market regulator (code …-amr)."""
    if user.has_role(Role.SYSADMIN):
        return True
    return user.has_role(Role.DEPT_ADMIN) and user.org_unit.code.endswith("-amr")


def _problems(measure: Mapping[str, Any]) -> dict[str, str]:
    problems: dict[str, str] = {}
    if not _CODE.match(str(measure.get("code") or "")):
        problems["code"] = "code_format"
    if measure.get("list_type") not in {t.value for t in ListType}:
        problems["list_type"] = "unknown_list_type"
    for name, limit in (("title", 300), ("basis_document", 300), ("basis_clause", 100)):
        text = str(measure.get(name) or "").strip()
        if not text or len(text) > limit:
            problems[name] = "required" if not text else "too_long"
    if measure.get("initiating_department") not in DEPARTMENTS:
        problems["initiating_department"] = "unknown_department"
    departments = measure.get("implementing_departments") or []
    if not departments or any(d not in DEPARTMENTS for d in departments):
        problems["implementing_departments"] = "unknown_department"
    actions = measure.get("actions") or []
    if not actions or any(a not in ACTIONS for a in actions):
        problems["actions"] = "unknown_action"
    years = measure.get("period_years")
    if years is not None and (not isinstance(years, int) or not 1 <= years <= 10):
        problems["period_years"] = "period_range"
    return problems


def _clean(measure: Mapping[str, Any]) -> dict[str, Any]:
    return {"code": measure["code"], "list_type": ListType(measure["list_type"]),
            "title": str(measure["title"]).strip(),
            "basis_document": str(measure["basis_document"]).strip(),
            "basis_clause": str(measure["basis_clause"]).strip(),
            "initiating_department": measure["initiating_department"],
            "implementing_departments": sorted(set(measure["implementing_departments"]),
                                               key=DEPARTMENTS.index),
            "actions": sorted(set(measure["actions"]), key=ACTIONS.index),
            "period_years": measure.get("period_years")}


def publish_catalogue(session: Session, actor: audit.Actor,
                      measures: Sequence[Mapping[str, Any]],
                      comment: str) -> CatalogueVersion:
    """Write `measures` as the next version, with who, when and why."""
    comment = comment.strip()
    if not comment:
        raise InvalidInput("a new catalogue version needs a comment",
                           fields={"comment": "required"})
    if len(measures) > MAX_MEASURES:
        raise InvalidInput("too many measures", fields={"measures": "too_many"})
    codes = [m.get("code") for m in measures]
    if len(set(codes)) != len(codes):
        raise InvalidInput("a measure code appears twice", fields={"code": "duplicate_code"})
    for measure in measures:
        problems = _problems(measure)
        if problems:
            raise InvalidInput(f"measure {measure.get('code')!r}: {problems}", fields=problems)
    number = (session.scalar(select(func.max(CatalogueVersion.number))) or 0) + 1
    version = CatalogueVersion(number=number, created_by=actor.name, created_at=clock.now(),
                               comment=comment)
    session.add(version)
    session.flush()
    if measures:
        session.execute(insert(JointMeasure.__table__),
                        [{**_clean(m), "version_id": version.id} for m in measures])
    _forget_current(session)
    audit.record(session, actor, "credit_catalogue_published", "credit_catalogue_version",
                 version.id, number=number, measures=len(measures), comment=comment)
    return version


def _forget_current(session: Session) -> None:
    """Look the current version up again now, and once more when the transaction ends (a
    rolled-back version must not stay current)."""
    engine = _engine(session)
    _current.pop(engine, None)

    def forget(_session: Session, transaction: SessionTransaction) -> None:
        if transaction.parent is None:
            _current.pop(engine, None)

    if not event.contains(session, "after_transaction_end", forget):
        event.listen(session, "after_transaction_end", forget, once=True)


def _current_fields(session: Session) -> list[dict[str, Any]]:
    newest = session.scalar(select(func.max(CatalogueVersion.id)))
    if newest is None:
        return []
    rows = session.scalars(select(JointMeasure).where(JointMeasure.version_id == newest)
                           .order_by(JointMeasure.code))
    return [{**measure_fields(r), "list_type": ListType(r.list_type).value} for r in rows]


def save_measure(session: Session, actor: audit.Actor, user: User,
                 measure: Mapping[str, Any], comment: str) -> CatalogueVersion:
    """Add a measure, or change the one with its code: the next version."""
    if not may_edit(user):
        raise Forbidden("only administrators edit the catalogue", code="catalogue_editors")
    others = [m for m in _current_fields(session) if m["code"] != measure.get("code")]
    return publish_catalogue(session, actor, [*others, dict(measure)], comment)


def remove_measure(session: Session, actor: audit.Actor, user: User, code: str,
                   comment: str) -> CatalogueVersion:
    """Drop the measure with `code`: the next version."""
    if not may_edit(user):
        raise Forbidden("only administrators edit the catalogue", code="catalogue_editors")
    current = _current_fields(session)
    kept = [m for m in current if m["code"] != code]
    if len(kept) == len(current):
        raise NotFound(f"no measure {code!r}", code="no_measure")
    return publish_catalogue(session, actor, kept, comment)


def seed_catalogue(session: Session, actor: audit.Actor) -> CatalogueVersion | None:
    """Write the memoranda's measures as version 1, unless a catalogue exists."""
    if session.scalar(select(func.count()).select_from(CatalogueVersion)):
        return None
    return publish_catalogue(session, actor, SEED_MEASURES,
                             "联合惩戒备忘录措施初始清单")
