"""The words of the inspection pages, in the page's language: result codes, follow-ups,
states (from the engine's vocabulary, which holds both), checklist answers."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from engine import inspection
from webapp.i18n import select_locale

ANSWERS = {"ok": _l("Complies"), "problem": _l("Does not comply"), "na": _l("Not applicable")}


def pick(words: dict[str, tuple[str, str]]) -> dict[str, str]:
    """{code: its name in the page's language}."""
    english = select_locale().startswith("en")
    return {code: pair[1] if english else pair[0] for code, pair in words.items()}


def context() -> dict[str, Any]:
    return {"inspection_results": lambda: pick(inspection.RESULT_CODES),
            "inspection_follow_ups": lambda: pick(inspection.FOLLOW_UPS),
            "inspection_states": lambda: pick(inspection.STATUSES),
            "checklist_answers": ANSWERS}
