"""The columns of a records file (CSV or XLSX of one category): the headers a department's
export may use for each field, and cells read as the entry form would have them.

A column is named by the field's label on the form (行政相对人名称 is the national 双公示
templates' word for the party; 决定文书号, ...), by the field's name (`party_uscc`), its
English label, or a synonym below. Choices are read by their value or either label, and
a multiple choice (处罚类别) holds several separated by 、 , ， ; ； or /.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from engine import registry
from engine.disclosure.categories import RecordForm
from engine.runtime.forms import FormField

# Headers of the national 双公示 templates and of common department exports.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "party_name": ("行政相对人名称", "相对人名称", "当事人名称", "企业名称", "主体名称", "名称"),
    "party_uscc": ("行政相对人代码_1(统一社会信用代码)", "行政相对人代码", "社会信用代码",
                   "信用代码", "uscc"),
    "decision_number": ("行政处罚决定书文号", "处罚决定书文号", "行政许可决定文书号",
                        "许可决定书文号", "决定书文号", "文书号"),
    "decision_date": ("处罚决定日期", "许可决定日期", "作出处罚决定日期", "作出行政处罚决定日期",
                      "决定作出日期"),
    "backfilled": ("是否存量补录", "是否补录", "补录"),
    "legal_representative": ("法定代表人姓名", "法定代表人(负责人)", "负责人"),
    "facts": ("主要违法事实",),
    "legal_basis": ("处罚依据条款",),
    "fine": ("罚款金额", "罚款金额(万元)"),
    "confiscated": ("没收违法所得、没收非法财物的金额", "没收金额(万元)", "没收金额"),
}
REQUIRED_COLUMNS = ("party_uscc", "party_name", "decision_date")
_SEPARATORS = re.compile(r"[、,，;；/\n]+")
_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T].*)?$")
_COMPACT_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_YES_NO = {"是": "yes", "否": "no", "y": "yes", "n": "no", "1": "yes", "0": "no",
           "true": "yes", "false": "no", "yes": "yes", "no": "no"}
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@lru_cache(maxsize=32)
def headers_of(form: RecordForm) -> registry.Headers:
    """The headers a records file of the form's category may use, each field's label first
    (cached by the forms' content: a new form version has its own headers). A
    header names one field: the first that claims it (the envelope's, then the category's
    labels before synonyms)."""
    columns: dict[str, tuple[str, ...]] = {}
    taken: set[str] = set()
    for f in form.fields:
        names = (f.label_zh, *SYNONYMS.get(f.name, ()), f.name, f.label_en)
        unique = tuple(n for n in names if registry.normalize_header(n) not in taken)
        taken.update(registry.normalize_header(n) for n in unique)
        columns[f.name] = unique
    return registry.Headers(columns, REQUIRED_COLUMNS)


def template_headers(form: RecordForm) -> list[str]:
    """The header row of the category's template file: each field's Chinese label."""
    return [f.label_zh for f in form.fields]


def row_values(form: RecordForm, columns: dict[str, list[int]], cells: list[Any]
               ) -> tuple[dict[str, Any], dict[str, str]]:
    """The raw values of a file row, keyed by field (as the entry form submits them), and
    the fields whose cell holds a control character (which cannot be stored)."""
    values: dict[str, Any] = {}
    problems: dict[str, str] = {}
    for f in form.fields:
        for index in columns.get(f.name, ()):
            cell = cells[index] if index < len(cells) else None
            if cell is None or (isinstance(cell, str) and not cell.strip()):
                continue
            control = _CONTROL.search(cell) if isinstance(cell, str) else None
            if control is not None:
                problems[f.name] = f"control character U+{ord(control[0]):04X} not allowed"
            values[f.name] = cell_value(f, cell)
            break
    return values, problems


def cell_value(f: FormField, cell: Any) -> Any:
    """A cell (text, or a number or date from a workbook; a list from the API) as the form
    field takes it; what cannot be read is passed on for the form's check to refuse."""
    if f.type == "date":
        return _date_text(cell)
    if f.type == "select":
        return _choice(f, _text(cell))
    if f.type == "multiselect":
        parts = cell if isinstance(cell, list) else _SEPARATORS.split(_text(cell))
        return _choices(f, [str(p).strip() for p in parts if str(p).strip()])
    if f.type == "uscc":
        return _text(cell).upper()
    return _text(cell)


def _text(cell: Any) -> str:
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if isinstance(cell, datetime | date):
        return _date_text(cell)
    return str(cell).strip()


def _date_text(cell: Any) -> str:
    if isinstance(cell, datetime):
        return cell.date().isoformat()
    if isinstance(cell, date):
        return cell.isoformat()
    text = str(cell).strip()
    match = _DATE.match(text) or _COMPACT_DATE.match(text)
    if match is None:
        return text
    year, month, day = (int(g) for g in match.groups())
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return text


def _choices(f: FormField, parts: list[str]) -> list[str]:
    """Several choices, each read as `_choice`; a label that itself holds a separator
    (没收违法所得、没收非法财物) is taken whole."""
    chosen, start = [], 0
    while start < len(parts):
        for end in range(len(parts), start, -1):
            joined = "、".join(parts[start:end])
            value = _choice(f, joined)
            if value != joined or end == start + 1:
                chosen.append(value)
                start = end
                break
    return chosen


def _choice(f: FormField, text: str) -> str:
    wanted = text.lower()
    for choice in f.choices:
        if wanted in (choice.value.lower(), choice.zh.lower(), choice.en.lower()):
            return choice.value
    if f.name == "backfilled" and wanted in _YES_NO:
        return _YES_NO[wanted]
    return text


def choice_labels(f: FormField) -> str:
    """The Chinese labels of a field's choices, for a sentence that lists them."""
    return "、".join(c.zh for c in f.choices)
