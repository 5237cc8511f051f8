"""What operators see of the outbox (counts, the latest failures) and their retry of it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from engine import audit, clock
from engine.db import rowcount
from engine.models import DeliveryStatus, NotificationDelivery

Delivery = NotificationDelivery
# How many of the latest failures the report lists.
LATEST = 20


@dataclass(frozen=True)
class OutboxState:
    counts: dict[DeliveryStatus, int]
    oldest_pending: datetime | None
    failures: list[Delivery]  # the latest failed ones, newest first

    @property
    def failed(self) -> int:
        return self.counts[DeliveryStatus.FAILED]


def outbox_state(session: Session, latest: int = LATEST) -> OutboxState:
    """How many messages are pending, sent and failed, and the latest failures."""
    counts = dict.fromkeys(DeliveryStatus, 0)
    for status, count in session.execute(select(Delivery.status, func.count(Delivery.id))
                                         .group_by(Delivery.status)):
        counts[status] = count
    oldest = session.execute(select(func.min(Delivery.created_at)).where(
        Delivery.status == DeliveryStatus.PENDING)).scalar()
    failures = list(session.execute(
        select(Delivery).where(Delivery.status == DeliveryStatus.FAILED)
        .order_by(Delivery.id.desc()).limit(latest)).scalars())
    return OutboxState(counts, oldest, failures)


def failed_count(session: Session) -> int:
    return session.execute(select(func.count(Delivery.id)).where(
        Delivery.status == DeliveryStatus.FAILED)).scalar_one()


def retry_failed(session: Session, actor: audit.Actor,
                 ids: Sequence[int] | None = None) -> int:
    """Queue failed messages again (those of `ids`, or all), as new, due now."""
    query = update(Delivery).where(Delivery.status == DeliveryStatus.FAILED)
    if ids is not None:
        query = query.where(Delivery.id.in_(list(ids)))
    count = rowcount(session.execute(
        query.values(status=DeliveryStatus.PENDING, attempts=0, due_at=clock.now(),
                     locked_by=None, locked_until=None)
        .execution_options(synchronize_session=False)))
    if count:
        audit.record(session, actor, "outbox.retry", "notification_delivery",
                     ",".join(map(str, ids)) if ids is not None else "all", count=count)
    return count


def purge_sent(session: Session, actor: audit.Actor, days: int) -> int:
    """Delete the messages sent more than `days` days ago (the in-app notifications stay)."""
    before = clock.now() - timedelta(days=days)
    count = rowcount(session.execute(
        delete(Delivery).where(Delivery.status == DeliveryStatus.SENT, Delivery.sent_at < before)
        .execution_options(synchronize_session=False)))
    if count:
        audit.record(session, actor, "outbox.purge", "notification_delivery", "sent",
                     count=count, days=days)
    return count
