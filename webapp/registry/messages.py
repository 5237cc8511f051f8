"""The registry's reasons for refusing a row or a file, in the user's language.

The engine words them in English for operators (engine.registry.rows, files and
uscc); each pattern here turns one of them into a translated sentence with its values.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

Message = Callable[..., str]
Patterns = list[tuple[re.Pattern[str], Message]]


def _patterns(*pairs: tuple[str, Message]) -> Patterns:
    return [(re.compile(pattern), message) for pattern, message in pairs]


ROW_REASONS = _patterns(
    (r"required", lambda **v: _("Required, but empty")),
    (r"longer than (?P<limit>\d+) characters \((?P<n>\d+)\)",
     lambda **v: _("Longer than %(limit)s characters (%(n)s)", **v)),
    (r"invalid unified social credit code (?P<code>.+?): (?P<why>.+)",
     lambda **v: _("Not a valid unified social credit code %(code)s: %(why)s", **v)),
    (r"not a date: (?P<text>.+) \(write YYYY-MM-DD\)",
     lambda **v: _("Not a date: %(text)s (write YYYY-MM-DD)", **v)),
    (r"no such day: (?P<text>.+)", lambda **v: _("No such day: %(text)s", **v)),
    (r"date out of range: (?P<text>.+)", lambda **v: _("Date out of range: %(text)s", **v)),
    (r"not an amount: (?P<text>.+?)(?: \(write a number of 万元\))?",
     lambda **v: _("Not an amount: %(text)s (write a number of 10,000 yuan)", **v)),
    (r"negative amount: (?P<text>.+)", lambda **v: _("Negative amount: %(text)s", **v)),
    (r"amount too large: (?P<text>.+)", lambda **v: _("Amount too large: %(text)s", **v)),
    (r"unknown area (?P<text>.+)", lambda **v: _("Unknown area %(text)s", **v)),
    (r"duplicate of row (?P<n>\d+)", lambda **v: _("The same USCC as row %(n)s", **v)),
    (r"control character (?P<char>U\+[0-9A-F]{4}) not allowed",
     lambda **v: _("Contains the control character %(char)s, which cannot be stored; "
                   "remove it from the cell", **v)),
    (r"outside your registration area", lambda **v: _("Outside your registration area")),
)
CODE_REASONS = _patterns(
    (r"must have 18 characters, has (?P<n>\d+)",
     lambda **v: _("it must have 18 characters, it has %(n)s", **v)),
    (r"characters not allowed: (?P<chars>.+)",
     lambda **v: _("characters not allowed: %(chars)s", **v)),
    (r"check character does not match: (?P<got>.) where (?P<expected>.) belongs",
     lambda **v: _("the check character is %(got)s, it should be %(expected)s", **v)),
    (r"check character does not match", lambda **v: _("the check character does not match")),
)
FILE_ERRORS = _patterns(
    (r"the file is empty", lambda **v: _("The file is empty.")),
    (r"missing required column\(s\): (?P<missing>.+); headers found in row (?P<row>\d+): "
     r"(?P<found>.*)", lambda **v: _("Required columns are missing: %(missing)s. Headers "
                                     "found in row %(row)s: %(found)s", **v)),
    (r"the file has a header \(row (?P<row>\d+)\) but no data rows",
     lambda **v: _("The file has a header (row %(row)s) but no data rows.", **v)),
    (r"old Excel \(\.xls\) files cannot be read.*",
     lambda **v: _("Old Excel files (.xls) cannot be read; save the sheet as .xlsx or CSV.")),
    (r"the file is (?:neither UTF-8 nor GBK|not valid UTF-16) text",
     lambda **v: _("The file is neither UTF-8 nor GBK text.")),
    (r"the CSV cannot be read: (?P<why>.*)",
     lambda **v: _("The CSV file cannot be read: %(why)s", **v)),
    (r"the Excel file unpacks to (?P<size>.+), more than the limit of (?P<limit>.+)",
     lambda **v: _("The Excel file would unpack to %(size)s, more than the limit of "
                   "%(limit)s; it was refused before it was read.", **v)),
    (r"the Excel file is compressed (?P<ratio>\d+) to 1, more than the limit of "
     r"(?P<limit>\d+) to 1",
     lambda **v: _("The Excel file is compressed %(ratio)s to 1, more than the limit of "
                   "%(limit)s to 1; it was refused before it was read.", **v)),
    (r"the database refused a batch; the batches before it were imported \(details in the "
     r"log\)", lambda **v: _("The database refused a batch of rows; the batches before it "
                             "were imported. The details are in the server log.")),
    (r"an unexpected error stopped the import \(details in the log\)",
     lambda **v: _("An unexpected error stopped the import. The details are in the server "
                   "log.")),
    (r"the Excel file holds (?P<n>\d+) parts, more than the limit of (?P<limit>\d+)",
     lambda **v: _("The Excel file holds %(n)s parts, more than the limit of %(limit)s; it "
                   "was refused before it was read.", **v)),
    (r"the Excel file cannot be read: (?P<why>.*)",
     lambda **v: _("The Excel file cannot be read: %(why)s", **v)),
)


UPLOAD_REFUSED = {"type": _l("Upload a CSV or XLSX file."),
                  "too_large": _l("The file is larger than allowed."),
                  "empty": _l("The file is empty.")}


def upload_refused(details: dict[str, object]) -> str:
    """Why an upload was not kept (InvalidInput's details), translated."""
    fields = details.get("fields")
    code = fields.get("file", "type") if isinstance(fields, dict) else "type"
    return str(UPLOAD_REFUSED.get(code, UPLOAD_REFUSED["type"]))


def row_reason(text: str) -> str:
    """Why a row was refused, translated (as the engine said it when no pattern fits)."""
    return _translate(text, ROW_REASONS)


def file_error(text: str | None) -> str:
    """Why a file could not be read at all, translated ("" for none)."""
    return _translate(text, FILE_ERRORS) if text else ""


def _translate(text: str, patterns: Patterns) -> str:
    for pattern, message in patterns:
        match = pattern.fullmatch(text)
        if match:
            values = {key: _unquoted(value) for key, value in match.groupdict().items()}
            if "why" in values and patterns is ROW_REASONS:
                values["why"] = _translate(values["why"], CODE_REASONS)
            return message(**values)
    return text


def _unquoted(value: str) -> str:
    quoted = len(value) > 1 and value[0] == value[-1] and value[0] in "'\""
    return value[1:-1] if quoted else value
