"""The outbox: notifications queued for e-mail and group robots, sent by the scheduler.

A notification only adds rows here, in the transaction that made it: no page waits on a
mail or web server. The scheduler's sweep leases due rows as the timer sweep does (SKIP
LOCKED on PostgreSQL, a conditional update everywhere), sends each one outside any
transaction, and records the outcome: sent, or another attempt later with a doubling
delay, or, past `delivery_max_attempts`, failed with the last error.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import ColumnElement, and_, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from engine import clock
from engine.config import Settings
from engine.db import rowcount, settings_of, transaction
from engine.models import (
    DeliveryChannel,
    DeliveryStatus,
    Notification,
    NotificationDelivery,
    OrgUnit,
    User,
    WorkItem,
)
from engine.runtime.timers import worker_name
from engine.work.delivery import compose
from engine.work.delivery.senders import DeliveryError, post_text, send_mail

Delivery = NotificationDelivery


def queue(session: Session, item: WorkItem, rows: Sequence[Notification]) -> int:
    """Queue what `rows` (one event on `item`, one row per person told) send out: an e-mail
    to each person with an address, one post to each of their units' robots, one post to
    the global robot. Returns how many messages; nothing at all when nothing is configured.
    """
    if not rows:
        return 0
    settings = settings_of(session)
    order = {row.user_id: n for n, row in enumerate(rows)}  # people named in this order
    # Columns, not users: this runs in every command that notifies, configured or not.
    people = sorted(session.execute(
        select(User.id, User.display_name, User.email, User.org_unit_id,
               OrgUnit.webhook_url.is_not(None).label("robot"))
        .join(OrgUnit, OrgUnit.id == User.org_unit_id).where(User.id.in_(order))).all(),
        key=lambda person: order[person.id])
    robots = {person.org_unit_id for person in people if person.robot}
    mailed = [p for p in people if settings.smtp_host and p.email]
    if not (mailed or robots or settings.webhook_url):
        return 0
    message = compose.about(session, item, rows[0])
    subject = compose.subject(message)
    by_user = {row.user_id: row for row in rows}
    now = clock.now()

    def outgoing(channel: DeliveryChannel, body: str, row: Notification, *,
                 recipient: str = "", unit_id: int | None = None) -> Delivery:
        return Delivery(notification_id=row.id, channel=channel, recipient=recipient,
                        org_unit_id=unit_id, subject=subject, body=body,
                        status=DeliveryStatus.PENDING, created_at=now, due_at=now, attempts=0)

    session.flush()  # the notifications' ids
    out = [outgoing(DeliveryChannel.EMAIL, compose.mail_body(message, p.display_name),
                    by_user[p.id], recipient=p.email or "") for p in mailed]
    for unit_id in sorted(robots):
        names = [p.display_name for p in people if p.org_unit_id == unit_id]
        out.append(outgoing(DeliveryChannel.WEBHOOK, compose.group_text(message, names),
                            rows[0], unit_id=unit_id))
    if settings.webhook_url:
        names = [p.display_name for p in people]
        out.append(outgoing(DeliveryChannel.WEBHOOK, compose.group_text(message, names),
                            rows[0]))
    session.add_all(out)
    return len(out)


def send_test(settings: Settings, *, address: str = "", url: str = "",
              secret: str = "") -> None:
    """Send a test message at once, not queued, to check the settings (the CLI's
    `outbox test`); raises DeliveryError with what went wrong."""
    text = "creditflow 测试消息：通知可以送达。\nTest message: notifications get through."
    if address:
        send_mail(settings, address, "【creditflow】测试消息 Test message", text)
    if url:
        post_text(url, text, timeout=settings.delivery_timeout_seconds, secret=secret)


@dataclass
class DeliveryResult:
    leased: int = 0
    sent: int = 0
    retried: int = 0
    failed: int = 0
    # Not tried in this sweep: their server had just failed; they wait for the next one.
    deferred: int = 0
    errors: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Outgoing:
    """A leased message, read out of its row so that it is sent with no transaction open."""

    id: int
    channel: DeliveryChannel
    recipient: str
    subject: str
    body: str
    url: str  # a webhook's, empty for e-mail or a robot no longer configured
    secret: str

    @property
    def server(self) -> str:
        """What fails for every message at once when it is down."""
        return "smtp" if self.channel == DeliveryChannel.EMAIL else self.url


def _free(now: object) -> ColumnElement[bool]:
    return or_(Delivery.locked_until.is_(None), Delivery.locked_until < now)


def lease_due(session: Session, worker: str, limit: int, lease_seconds: int) -> list[int]:
    """Lease up to `limit` due pending messages for this worker (as timers are leased)."""
    now = clock.now()
    ids = session.execute(
        select(Delivery.id)
        .where(Delivery.status == DeliveryStatus.PENDING, Delivery.due_at <= now, _free(now))
        .order_by(Delivery.due_at, Delivery.id).limit(limit)
        .with_for_update(skip_locked=True)).scalars().all()
    if not ids:
        return []
    session.execute(
        update(Delivery).where(Delivery.id.in_(ids), _free(now))
        .values(locked_by=worker, locked_until=now + timedelta(seconds=lease_seconds))
        .execution_options(synchronize_session=False))
    return list(session.execute(select(Delivery.id).where(
        Delivery.id.in_(ids), Delivery.locked_by == worker).order_by(Delivery.id)).scalars())


def deliver_due(sessions: sessionmaker[Session], worker: str | None = None,
                limit: int | None = None) -> DeliveryResult:
    """One sweep of the outbox: lease due messages, send each, record each outcome."""
    worker = worker or worker_name()
    with transaction(sessions) as session:
        settings = settings_of(session)
        ids = lease_due(session, worker, limit or settings.sweep_batch_size,
                        settings.delivery_lease_seconds)
        batch = _read(session, settings, ids)
    result = DeliveryResult(leased=len(batch))
    down: set[str] = set()
    for message in batch:
        if message.server in down or not _renew(sessions, settings, worker, message.id):
            _release(sessions, worker, message.id)
            result.deferred += 1
            continue
        try:
            _send(settings, message)
        except DeliveryError as exc:
            result.errors.append(f"message {message.id}: {exc}")
            if not exc.permanent:
                down.add(message.server)
            failed = _record(sessions, settings, worker, message.id, str(exc),
                             permanent=exc.permanent)
            if failed:
                result.failed += 1
            else:
                result.retried += 1
        else:
            _record(sessions, settings, worker, message.id, None)
            result.sent += 1
    return result


def _read(session: Session, settings: Settings, ids: list[int]) -> list[Outgoing]:
    rows = session.execute(select(Delivery, OrgUnit.webhook_url, OrgUnit.webhook_secret)
                           .outerjoin(OrgUnit, OrgUnit.id == Delivery.org_unit_id)
                           .where(Delivery.id.in_(ids))
                           .order_by(Delivery.due_at, Delivery.id)).all()
    batch = []
    for row, unit_url, unit_secret in rows:
        url, secret = ((unit_url or "", unit_secret or "") if row.org_unit_id is not None
                       else (settings.webhook_url, settings.webhook_secret))
        batch.append(Outgoing(row.id, row.channel, row.recipient, row.subject, row.body,
                              url if row.channel == DeliveryChannel.WEBHOOK else "", secret))
    return batch


def _send(settings: Settings, message: Outgoing) -> None:
    if message.channel == DeliveryChannel.EMAIL:
        send_mail(settings, message.recipient, message.subject, message.body)
    elif not message.url:
        raise DeliveryError("no webhook URL is configured for this message any more",
                            permanent=True)
    else:
        post_text(message.url, message.body, timeout=settings.delivery_timeout_seconds,
                  secret=message.secret)


def _mine(worker: str, delivery_id: int) -> ColumnElement[bool]:
    return and_(Delivery.id == delivery_id, Delivery.locked_by == worker,
                Delivery.status == DeliveryStatus.PENDING)


def _renew(sessions: sessionmaker[Session], settings: Settings, worker: str,
           delivery_id: int) -> bool:
    """Extend the lease of one message just before it is sent; False if it was lost (a
    batch slower than its lease, taken over by another scheduler): then it is not sent."""
    with transaction(sessions) as session:
        until = clock.now() + timedelta(seconds=settings.delivery_lease_seconds)
        return rowcount(session.execute(
            update(Delivery).where(_mine(worker, delivery_id)).values(locked_until=until)
            .execution_options(synchronize_session=False))) == 1


def _release(sessions: sessionmaker[Session], worker: str, delivery_id: int) -> None:
    with transaction(sessions) as session:
        session.execute(update(Delivery).where(_mine(worker, delivery_id))
                        .values(locked_by=None, locked_until=None)
                        .execution_options(synchronize_session=False))


def _record(sessions: sessionmaker[Session], settings: Settings, worker: str,
            delivery_id: int, error: str | None, *, permanent: bool = False) -> bool:
    """Sent (no `error`), or one more failed attempt: retried after a doubling delay, or
    failed for good past the last attempt or when `permanent`. True if it failed for good."""
    with transaction(sessions) as session:
        row = session.execute(select(Delivery).where(_mine(worker, delivery_id))).scalar()
        if row is None:
            return False
        now = clock.now()
        row.locked_by, row.locked_until = None, None
        row.attempts += 1
        if error is None:
            row.status, row.sent_at = DeliveryStatus.SENT, now
            return False
        row.last_error = error[:4000]
        if permanent or row.attempts >= settings.delivery_max_attempts:
            row.status = DeliveryStatus.FAILED
            return True
        row.due_at = now + timedelta(
            seconds=settings.delivery_backoff_seconds * 2 ** (row.attempts - 1))
        return False
