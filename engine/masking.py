"""Personal data masked for display (DOMAIN.md, "Audit and privacy"): ID-card and phone
numbers, also where one was typed into other text."""

from __future__ import annotations

import re
from typing import Any

ID_CARD = re.compile(r"(?<![0-9A-Za-z])[1-9]\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])"
                     r"(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx](?![0-9A-Za-z])")
PHONE = re.compile(r"(?<!\d)(?:1[3-9]\d{9}|0\d{2,3}-?\d{7,8})(?!\d)")


def mask_number(text: str | None) -> str | None:
    """138****1234: enough to recognise a number, never the whole of it."""
    if not text:
        return text
    return text[:3] + "*" * (len(text) - 7) + text[-4:] if len(text) > 7 else "****"


def mask_text(value: Any) -> Any:
    """Free text with every ID-card and phone number in it masked."""
    if not isinstance(value, str):
        return value
    value = ID_CARD.sub(lambda m: mask_number(m.group()) or "", value)
    return PHONE.sub(lambda m: mask_number(m.group()) or "", value)
