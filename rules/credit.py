"""The credit check for diagrams ("一处违法、处处受限"): the engine answers it through the
rule context, so a gateway can send a restricted entity's approval to the refusal path."""

from __future__ import annotations

from typing import Any

from rules.registry import RuleArgumentError, RuleContext, rule


def _lookup(ctx: RuleContext, uscc: Any, action: Any) -> list[dict[str, Any]]:
    if not isinstance(uscc, str) or not isinstance(action, str):
        raise RuleArgumentError("credit check: the USCC and the action type are text")
    found: list[dict[str, Any]] = ctx.lookup("credit_restrictions", uscc, action)
    return found


@rule(needs_context=True)
def credit_restrictions(ctx: RuleContext, uscc: str, action: str) -> list[dict[str, Any]]:
    """The joint punishment measures that restrict `action` (licence, honour, subsidy,
    qualification, procurement, bidding, land_supply, simplified_deregistration, financing,
    public_office) for the entity with this USCC today, each with its basis and period."""
    return _lookup(ctx, uscc, action)


@rule(needs_context=True)
def credit_restricted(ctx: RuleContext, uscc: str, action: str) -> bool:
    """Whether any joint punishment measure restricts `action` for this entity today."""
    return bool(_lookup(ctx, uscc, action))
