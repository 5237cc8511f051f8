"""Comments on a case, written from one of its tasks."""

from __future__ import annotations

from sqlalchemy.orm import Session

from engine import audit, clock
from engine.errors import Forbidden, InvalidInput
from engine.models import Comment
from engine.runtime import actor_user, get_work_item
from engine.work.casework import permissions

BODY_MAX = 2000


def add_comment(session: Session, actor: audit.Actor, item_id: int, body: str) -> Comment:
    item = get_work_item(session, actor, item_id)
    user = actor_user(session, actor)
    if user is None or not permissions(session, user, item).comment:
        raise Forbidden("you may not comment on this case",
                        code="comment_not_allowed", item_id=item_id)
    body = (body or "").strip()
    if not body or len(body) > BODY_MAX:
        raise InvalidInput("a comment needs text", fields={"body": "required" if not body
                                                          else "too_long"})
    comment = Comment(instance_id=item.instance_id, work_item_id=item.id, author_id=user.id,
                      body=body, created_at=clock.now())
    session.add(comment)
    session.flush()
    audit.record(session, actor, "comment.add", "work_item", item.id, comment_id=comment.id)
    return comment
