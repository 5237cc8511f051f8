"""The credit check as diagrams call it (rules `credit_restrictions`, `credit_restricted`):
any approval diagram, including ones administrators draw later, can gate on it."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from engine import audit
from engine.credit_check.check import check_one
from engine.errors import InvalidInput, NotFound
from rules import RuleArgumentError

DIAGRAM = audit.Actor("system:diagram", "workflow")


def restrictions_for_diagram(session: Session, uscc: object, action: object
                             ) -> list[dict[str, Any]]:
    """The restrictions as plain data a case keeps (dates as ISO text); logged like every
    check. A bad code or action is the diagram's argument error; an empty catalogue makes
    an incident."""
    try:
        report = check_one(session, DIAGRAM, uscc, str(action), origin="diagram")
    except InvalidInput as error:
        raise RuleArgumentError(error.message) from None
    except NotFound as error:  # no catalogue yet: the case waits for the operators
        raise RuntimeError(f"credit check: {error.message}") from None
    return [r.as_dict() for r in report.answers[0].restrictions]
