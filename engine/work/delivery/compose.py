"""The text of a notification outside the app: an e-mail to one person, a post to a group.

There is no request and so no user language here: Chinese comes first, English after it.
The entity, the step and the person who set it off are named as the in-app list names them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import clock
from engine.db import settings_of
from engine.models import MarketEntity, Notification, NotificationKind, User, WorkItem

# Per kind: the Chinese and the English words, as the web app's list shows them.
KIND_WORDS = {
    NotificationKind.ASSIGNED: ("分派给您", "Assigned to you"),
    NotificationKind.RETURNED: ("已退回", "Returned"),
    NotificationKind.DUE_SOON: ("即将到期", "Due soon"),
    NotificationKind.OVERDUE: ("已超期", "Overdue"),
    NotificationKind.ESCALATED: ("已升级督办", "Escalated"),
    NotificationKind.URGED: ("催办", "Urged"),
}
# A post to a group names at most this many recipients, then says how many more.
MAX_NAMES = 10


@dataclass(frozen=True)
class About:
    """What a message says: the kind, the entity and step, who, why, by when, and where."""

    kind: NotificationKind
    step: str
    entity: str | None
    actor: str | None
    note: str | None
    due: str | None
    link: str | None

    @property
    def headline(self) -> str:
        return f"{self.entity} · {self.step}" if self.entity else self.step


def about(session: Session, item: WorkItem, row: Notification) -> About:
    """Read what the message says about `row`, a notification on `item`."""
    settings = settings_of(session)
    entity = session.execute(select(MarketEntity.name).where(
        MarketEntity.id == item.entity_id)).scalar() if item.entity_id else None
    actor = row.actor_name and (session.execute(select(User.display_name).where(
        User.username == row.actor_name)).scalar() or row.actor_name)
    zone = clock.local_zone(settings.timezone)
    due = item.due_at.astimezone(zone).strftime("%Y-%m-%d %H:%M") if item.due_at else None
    link = f"{settings.base_url.rstrip('/')}/tasks/{item.id}" if settings.base_url else None
    return About(row.kind, row.title, entity, actor, row.note, due, link)


def subject(message: About) -> str:
    zh, en = KIND_WORDS[message.kind]
    return f"【{zh} {en}】{message.headline}"[:300]


def mail_body(message: About, name: str) -> str:
    """An e-mail to one person: a Chinese paragraph, then the same in English."""
    zh, en = KIND_WORDS[message.kind]
    chinese = [f"{name}，您好：", "", f"{zh}：{message.headline}",
               *_lines(message, ("发起人", "附言", "期限"), "："),
               f"办理：{message.link}" if message.link else "请登录信用监管平台办理。"]
    english = [f"Dear {name},", "", f"{en}: {message.headline}",
               *_lines(message, ("By", "Note", "Due")),
               f"Open: {message.link}" if message.link else "Sign in to creditflow to work on it."]
    return "\n".join([*chinese, "", "——", *english, "", "creditflow"])


def group_text(message: About, names: Sequence[str]) -> str:
    """A post to a group robot: one line per fact, each labelled in both languages."""
    shown = "、".join(names[:MAX_NAMES])
    if len(names) > MAX_NAMES:
        shown += f" 等 {len(names)} 人 ({len(names)} people)"
    lines = [f"creditflow {subject(message)}",
             *([f"接收人 To: {shown}"] if names else []),
             *_lines(message, ("发起人 By", "附言 Note", "期限 Due"))]
    if message.link:
        lines.append(message.link)
    return "\n".join(lines)


def _lines(message: About, labels: tuple[str, str, str], colon: str = ": ") -> list[str]:
    values = (message.actor, message.note, message.due)
    return [f"{label}{colon}{value}" for label, value in zip(labels, values, strict=True) if value]
