"""The completer of both list processes: a step submitted from the entry's page or the API."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from engine import audit, runtime
from engine.credit_lists import abnormal, serious
from engine.credit_lists.rules import ABNORMAL_PROCESS
from engine.models import CreditListEntry


def complete_list_task(session: Session, actor: audit.Actor, item_id: int,
                       data: dict[str, Any]) -> CreditListEntry:
    item = runtime.get_work_item(session, actor, item_id)
    if item.process_key == ABNORMAL_PROCESS:
        return abnormal.complete_step(session, actor, item_id, data)
    return serious.complete_step(session, actor, item_id, data)
