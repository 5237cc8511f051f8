"""Decision tables and the small pure functions that diagrams may call.

Nothing here imports the engine: functions that need the date or the
working-day calendar receive them through a `RuleContext` the engine supplies.
"""

from rules.registry import REGISTRY, RuleArgumentError, RuleContext, rule

__all__ = ["REGISTRY", "RuleArgumentError", "RuleContext", "rule"]

# Importing the rule modules registers their functions.
from rules import credit, dates, lanes, workdays  # noqa: E402,F401
