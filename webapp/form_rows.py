"""The form editor's rows: what was typed, kept as text, turned into a form definition
(forms/<key>.toml's shape) and back."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from werkzeug.datastructures import MultiDict

ROW_NAME = re.compile(r"^fields-(\d{1,4})-name$")
LIMITS = ("min_length", "max_length", "min_value", "max_value")
TEXTS = ("name", "type", "label_zh", "label_en", "choices", *LIMITS, "help_zh", "help_en",
         "show_if_field", "show_if_values")
MAX_ROWS = 200


@dataclass
class Row:
    """One field as typed: every entry text (choices one per line: value | zh | en)."""

    id: str
    name: str = ""
    type: str = "text"
    label_zh: str = ""
    label_en: str = ""
    required: bool = False
    choices: str = ""
    min_length: str = ""
    max_length: str = ""
    min_value: str = ""
    max_value: str = ""
    help_zh: str = ""
    help_en: str = ""
    show_if_field: str = ""
    show_if_values: str = ""

    def input_id(self, entry: str) -> str:
        return f"fields-{self.id}-{entry}"

    @property
    def blank(self) -> bool:
        texts = asdict(self)
        return not any(str(texts[name]).strip() for name in TEXTS if name != "type")


def rows_typed(form: MultiDict[str, str]) -> list[Row]:
    """The rows in the order the page holds them (a moved row keeps its number), without
    the blank ones."""
    rows = []
    for key in form:
        match = ROW_NAME.match(key)
        if match and len(rows) < MAX_ROWS:
            n = match.group(1)
            row = Row(n, required=form.get(f"fields-{n}-required") == "y",
                      **{name: form.get(f"fields-{n}-{name}", "")[:2000] for name in TEXTS})
            if not row.blank:
                rows.append(row)
    return rows


def rows_of(raw: dict[str, Any]) -> list[Row]:
    """A saved definition's fields as rows to edit."""
    rows = []
    for n, item in enumerate(raw.get("fields") or []):
        condition = item.get("show_if") or {}
        values = condition.get("in") or ([condition["equals"]] if "equals" in condition else [])
        rows.append(Row(
            str(n), name=item.get("name", ""), type=item.get("type", "text"),
            label_zh=item.get("label_zh", ""), label_en=item.get("label_en", ""),
            required=bool(item.get("required")),
            choices="\n".join(f"{c.get('value', '')} | {c.get('zh', '')} | {c.get('en', '')}"
                              for c in item.get("choices") or []),
            help_zh=item.get("help_zh", ""), help_en=item.get("help_en", ""),
            show_if_field=condition.get("field", ""), show_if_values=", ".join(map(str, values)),
            **{name: str(item[name]) for name in LIMITS if name in item}))
    return rows


def definition_of(title_zh: str, title_en: str, rows: list[Row]
                  ) -> tuple[dict[str, Any], dict[str, str]]:
    """The definition the rows make, and what cannot be read at all, by input id."""
    problems: dict[str, str] = {}
    fields = [_field(row, problems) for row in rows]
    return {"title_zh": title_zh.strip(), "title_en": title_en.strip(),
            "fields": fields}, problems


def _field(row: Row, problems: dict[str, str]) -> dict[str, Any]:
    item: dict[str, Any] = {"name": row.name.strip(), "type": row.type,
                            "label_zh": row.label_zh.strip(), "label_en": row.label_en.strip()}
    if row.required:
        item["required"] = True
    choices = [_choice(line) for line in row.choices.splitlines() if line.strip()]
    if choices and row.type in ("select", "multiselect"):
        item["choices"] = choices
    for name in LIMITS:
        text = getattr(row, name).strip()
        if text:
            number = _number(text, whole=name.endswith("length"))
            if number is None:
                problems[row.input_id(name)] = "whole_number" if name.endswith(
                    "length") else "not_a_number"
            else:
                item[name] = number
    for name in ("help_zh", "help_en"):
        if getattr(row, name).strip():
            item[name] = getattr(row, name).strip()
    if row.show_if_field.strip():
        values = [v.strip() for v in re.split(r"[,，、;；]", row.show_if_values) if v.strip()]
        item["show_if"] = {"field": row.show_if_field.strip(), "in": values}
    return item


def _choice(line: str) -> dict[str, str]:
    value, zh, en = [*(part.strip() for part in line.split("|")), "", ""][:3]
    return {"value": value, "zh": zh, "en": en or value}


def _number(text: str, whole: bool) -> int | float | None:
    try:
        number = Decimal(text.replace(",", ""))
    except InvalidOperation:
        return None
    if not number.is_finite() or (whole and number != number.to_integral_value()):
        return None
    return int(number) if number == number.to_integral_value() else float(number)


def problems_by_input(rows: list[Row], problems: dict[str, str]) -> dict[str, str]:
    """The engine's problems (`fields.2.name`) as the ids of the inputs that hold them."""
    found = {}
    for entry, code in problems.items():
        parts = entry.split(".")
        if parts[0] == "fields" and len(parts) == 3 and int(parts[1]) < len(rows):
            entry_name = "show_if_field" if parts[2] == "show_if" else parts[2]
            found[rows[int(parts[1])].input_id(entry_name)] = code
        else:
            found[entry] = code
    return found
