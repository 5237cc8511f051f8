"""Why a row of a records file (or a pushed record) was refused, in the user's language:
the reasons of the registry's rows, and those only records have."""

from __future__ import annotations

import re

from flask_babel import gettext as _

from webapp.registry import messages as registry_messages

RECORD_REASONS = [(re.compile(pattern), message) for pattern, message in (
    (r"not in the registry: (?P<code>.+)",
     lambda **v: _("No registered market entity has the code %(code)s", **v)),
    (r"the registry names this code (?P<registered>.+), the row (?P<entered>.+)",
     lambda **v: _("The registry names this code %(registered)s; the row says %(entered)s",
                   **v)),
    (r"not one of the choices: (?P<text>.*) \(choose from (?P<choices>.+)\)",
     lambda **v: _("Not one of the choices: %(text)s (choose from %(choices)s)", **v)),
    (r"duplicate of row (?P<n>\d+)",
     lambda **v: _("The same decision (USCC and decision number) as row %(n)s", **v)),
    (r"already entered",
     lambda **v: _("This decision (USCC and decision number) was entered before")),
    (r"not one of the choices", lambda **v: _("Not one of the choices")),
    (r"at least (?P<n>[\d.]+)", lambda **v: _("At least %(n)s", **v)),
    (r"at most (?P<n>[\d.]+)", lambda **v: _("At most %(n)s", **v)),
    (r"at least (?P<n>\d+) characters", lambda **v: _("At least %(n)s characters", **v)),
)]


def row_reason(text: str) -> str:
    """A refused row's reason, translated (as the engine said it when nothing fits)."""
    for pattern, message in RECORD_REASONS:
        match = pattern.fullmatch(text)
        if match:
            return message(**match.groupdict())
    return registry_messages.row_reason(text)
