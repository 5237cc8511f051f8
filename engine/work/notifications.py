"""Notifications: made by task commands and the deadline sweep, read in-app, queued to go out."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import ColumnElement, func, select, update
from sqlalchemy.orm import Session

from engine import clock
from engine.calendar import calendar_for
from engine.db import rowcount, settings_of
from engine.errors import NotFound
from engine.models import (
    MarketEntity,
    Notification,
    NotificationKind,
    Role,
    User,
    UserRole,
    WorkItem,
    WorkItemStatus,
)
from engine.org.scope import SATISFIES
from engine.work.delivery import outbox
from engine.work.inbox import due_soon_limit

PER_PAGE = 30
# Recipients of an unheld item: the people of its candidate unit, at most this many.
MAX_CANDIDATES = 50


def notify(session: Session, user_id: int, kind: NotificationKind, item: WorkItem, *,
           note: str | None = None, actor_name: str | None = None,
           once_key: str | None = None) -> Notification | None:
    """Tell one user about one item; with `once_key`, only if not told before.

    Besides the in-app row, the e-mail and robot posts it causes are queued (outbox)."""
    row = _record(session, user_id, kind, item, note=note, actor_name=actor_name,
                  once_key=once_key)
    if row is not None:
        outbox.queue(session, item, [row])
    return row


def _record(session: Session, user_id: int, kind: NotificationKind, item: WorkItem, *,
            note: str | None, actor_name: str | None,
            once_key: str | None) -> Notification | None:
    if once_key is not None and session.execute(
            select(Notification.id).where(Notification.once_key == once_key)).first():
        return None
    row = Notification(user_id=user_id, kind=kind, work_item_id=item.id, title=item.title[:300],
                       note=(note or None) and note[:500], actor_name=actor_name,
                       created_at=clock.now(), once_key=once_key)
    session.add(row)
    return row


def recipients(session: Session, item: WorkItem) -> list[int]:
    """The holder of an item; when nobody holds it, the people who may claim it."""
    if item.assignee_id is not None:
        return [item.assignee_id]
    if item.candidate_org_id is None:
        return []
    roles = SATISFIES.get(item.candidate_role or Role.OFFICER, frozenset())
    return list(session.execute(
        select(User.id).join(UserRole, UserRole.user_id == User.id)
        .where(User.org_unit_id == item.candidate_org_id, User.active,
               UserRole.role.in_(list(roles)))
        .distinct().order_by(User.id).limit(MAX_CANDIDATES)).scalars())


def notify_people_of(session: Session, item: WorkItem, kind: NotificationKind, *,
                     note: str | None = None, actor_name: str | None = None,
                     skip_user_id: int | None = None, once: bool = False) -> int:
    """Notify `recipients(item)`; `once` keeps to one notification per item, kind and user.

    Their messages are queued together: a unit's robot gets one post naming them all."""
    rows = []
    for user_id in recipients(session, item):
        if user_id == skip_user_id:
            continue
        key = f"{kind.value}:{item.id}:{user_id}" if once else None
        row = _record(session, user_id, kind, item, note=note, actor_name=actor_name,
                      once_key=key)
        if row is not None:
            rows.append(row)
    outbox.queue(session, item, rows)
    return len(rows)


@dataclass
class DeadlineSweep:
    due_soon: int = 0
    overdue: int = 0
    escalated: int = 0


def sweep_deadlines(session: Session, batch: int = 500) -> DeadlineSweep:
    """Notify once per item and kind: due soon, overdue, and escalated to a joint office."""
    settings = settings_of(session)
    calendar = calendar_for(session, settings)
    now = clock.now()
    result = DeadlineSweep()
    is_open = WorkItem.status == WorkItemStatus.OPEN
    queries = {
        NotificationKind.OVERDUE: (WorkItem.due_at < now,),
        NotificationKind.DUE_SOON: (WorkItem.due_at >= now,
                                    WorkItem.due_at <= due_soon_limit(calendar)),
        NotificationKind.ESCALATED: (WorkItem.candidate_role == Role.SUPERVISOR.value,),
    }
    for kind, conditions in queries.items():
        items = _unnotified(session, kind, now, (is_open, *conditions), batch)
        count = sum(notify_people_of(session, item, kind, once=True) for item in items)
        setattr(result, kind.value, count)
    session.flush()
    return result


def _unnotified(session: Session, kind: NotificationKind, now: datetime,
                conditions: tuple[ColumnElement[bool], ...], batch: int) -> list[WorkItem]:
    told = select(Notification.work_item_id).where(Notification.kind == kind,
                                                   Notification.once_key.is_not(None))
    return list(session.execute(
        select(WorkItem).where(*conditions, WorkItem.id.not_in(told))
        .order_by(WorkItem.due_at, WorkItem.id).limit(batch)).scalars())


def unread_count(session: Session, user: User) -> int:
    return session.execute(select(func.count(Notification.id)).where(
        Notification.user_id == user.id, Notification.read_at.is_(None))).scalar_one()


@dataclass
class NotificationPage:
    rows: list[Notification]
    total: int
    page: int
    per_page: int
    # Per notification id: the entity of its case, and who set it off by display name.
    entities: dict[int, str] = field(default_factory=dict)
    actors: dict[int, str] = field(default_factory=dict)

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def notifications_of(session: Session, user: User, page: int = 1,
                     per_page: int = PER_PAGE) -> NotificationPage:
    """A user's notifications, newest first."""
    mine = Notification.user_id == user.id
    total = session.execute(select(func.count(Notification.id)).where(mine)).scalar_one()
    rows = list(session.execute(
        select(Notification).where(mine).order_by(Notification.id.desc())
        .limit(per_page).offset((max(page, 1) - 1) * per_page)).scalars())
    ids = [row.id for row in rows]
    entities = dict(session.execute(
        select(Notification.id, MarketEntity.name)
        .join(WorkItem, WorkItem.id == Notification.work_item_id)
        .join(MarketEntity, MarketEntity.id == WorkItem.entity_id)
        .where(Notification.id.in_(ids))).all()) if ids else {}
    actors = dict(session.execute(
        select(Notification.id, User.display_name)
        .join(User, User.username == Notification.actor_name)
        .where(Notification.id.in_(ids))).all()) if ids else {}
    return NotificationPage(rows, total, max(page, 1), per_page, entities, actors)


def read_one(session: Session, user: User, notification_id: int) -> Notification:
    """One of the user's notifications, marked read; NotFound for anyone else's."""
    row = session.get(Notification, notification_id)
    if row is None or row.user_id != user.id:
        raise NotFound(f"no notification {notification_id}", code="no_such_notification")
    if row.read_at is None:
        row.read_at = clock.now()
    return row


def mark_read(session: Session, user: User, notification_id: int | None = None) -> int:
    """Mark one (or, with None, every) unread notification of the user as read."""
    query = update(Notification).where(Notification.user_id == user.id,
                                       Notification.read_at.is_(None))
    if notification_id is not None:
        query = query.where(Notification.id == notification_id)
    return rowcount(session.execute(query.values(read_at=clock.now())
                                    .execution_options(synchronize_session=False)))
