"""Declarative task forms (forms/<key>.toml): loading and server-side validation."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.config import PROJECT_DIR
from engine.errors import InvalidInput, NotFound
from engine.models import FormVersion, ProcessForm, ProcessInstance, WorkItem

FORMS_DIR = PROJECT_DIR / "forms"
FIELD_TYPES = frozenset({"text", "textarea", "number", "money", "date", "select",
                         "multiselect", "uscc", "org", "user", "file"})
KEY_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,99}$")  # a form key: also its file's name


@dataclass(frozen=True)
class Choice:
    value: str
    zh: str
    en: str


@dataclass(frozen=True)
class FormField:
    name: str
    type: str
    label_zh: str
    label_en: str
    required: bool = False
    choices: tuple[Choice, ...] = ()
    min_length: int | None = None
    max_length: int | None = None
    min_value: Decimal | None = None
    max_value: Decimal | None = None
    help_zh: str = ""
    help_en: str = ""
    # Shown (and so asked and checked) only while the field `show_if[0]`, earlier in the
    # form, has one of the values `show_if[1]`; otherwise its value is dropped.
    show_if: tuple[str, tuple[str, ...]] | None = None

    def label(self, locale: str) -> str:
        return self.label_en if locale.startswith("en") else self.label_zh

    def shown(self, values: dict[str, Any]) -> bool:
        """Whether the field applies, given the submitted values."""
        if self.show_if is None:
            return True
        chosen = values.get(self.show_if[0])
        chosen = chosen if isinstance(chosen, list) else [chosen]
        return any(str(value) in self.show_if[1] for value in chosen if value is not None)


@dataclass(frozen=True)
class FormDefinition:
    key: str
    title_zh: str
    title_en: str
    fields: tuple[FormField, ...] = field(default_factory=tuple)

    def title(self, locale: str) -> str:
        return self.title_en if locale.startswith("en") else self.title_zh


def form_exists(key: str, forms_dir: Path = FORMS_DIR) -> bool:
    return bool(KEY_PATTERN.match(key)) and (forms_dir / f"{key}.toml").is_file()


def shipped_raw(key: str, forms_dir: Path = FORMS_DIR) -> dict[str, Any] | None:
    """The shipped file forms/<key>.toml as read, or None when there is none."""
    if not form_exists(key, forms_dir):
        return None
    return tomllib.loads((forms_dir / f"{key}.toml").read_text(encoding="utf-8"))


@lru_cache(maxsize=128)
def load_form(key: str, forms_dir: Path = FORMS_DIR) -> FormDefinition:
    """Read and check a shipped form file; NotFound when there is no such form. Tasks read
    their form with `form_for`, which prefers the versions deployed in the database."""
    raw = shipped_raw(key, forms_dir)
    if raw is None:
        raise NotFound(f"no form {key!r}", code="no_such_form")
    return parse_form(key, raw)


def parse_form(key: str, raw: dict[str, Any]) -> FormDefinition:
    """A definition (title_zh, title_en, fields) checked; ValueError says what is wrong."""
    fields = tuple(_field(item, key) for item in raw.get("fields", []))
    names = [f.name for f in fields]
    if len(set(names)) != len(names):
        raise ValueError(f"form {key}: a field name is used twice")
    _check_conditions(fields, key)
    return FormDefinition(key, raw.get("title_zh", key), raw.get("title_en", key), fields)


def form_for(session: Session, key: str, definition_id: int | None = None) -> FormDefinition:
    """The form a task of the process version `definition_id` shows and checks: the form
    version that process version was deployed with; else (a version deployed before forms
    were versioned, or no process) the latest version in the database; else the shipped file
    (a database that never deployed the form, as in unit tests). NotFound when none."""
    row = None
    if definition_id is not None:
        row = session.execute(
            select(FormVersion).join(ProcessForm, ProcessForm.form_version_id == FormVersion.id)
            .where(ProcessForm.definition_id == definition_id, ProcessForm.form_key == key)
        ).scalar()
    if row is None:
        row = session.execute(select(FormVersion).where(FormVersion.key == key)
                              .order_by(FormVersion.version.desc()).limit(1)).scalar()
    if row is None:
        return load_form(key)
    return _parsed(key, row.sha256, row.definition)


def form_of_task(session: Session, item: WorkItem) -> FormDefinition | None:
    """The form of a work item, as its instance's process version has it (None: no form)."""
    if not item.form_key:
        return None
    definition_id = session.execute(select(ProcessInstance.definition_id)
                                    .where(ProcessInstance.id == item.instance_id)).scalar()
    return form_for(session, item.form_key, definition_id)


_PARSED: dict[tuple[str, str], FormDefinition] = {}


def _parsed(key: str, sha256: str, raw: dict[str, Any]) -> FormDefinition:
    """Versions never change, so each is parsed once per process."""
    found = _PARSED.get((key, sha256))
    if found is None:
        if len(_PARSED) > 512:
            _PARSED.clear()
        found = _PARSED[(key, sha256)] = parse_form(key, raw)
    return found


def _check_conditions(fields: tuple[FormField, ...], key: str) -> None:
    """A `show_if` names an earlier choice field and values among its choices."""
    earlier: dict[str, FormField] = {}
    for f in fields:
        if f.show_if is not None:
            other = earlier.get(f.show_if[0])
            if other is None or other.type not in ("select", "multiselect"):
                raise ValueError(f"form {key}: field {f.name!r} shows if {f.show_if[0]!r}, "
                                 "which is no earlier select field")
            unknown = set(f.show_if[1]) - {c.value for c in other.choices}
            if unknown:
                raise ValueError(f"form {key}: field {f.name!r} shows for values "
                                 f"{sorted(unknown)} that {other.name!r} does not offer")
        earlier[f.name] = f


def _field(item: dict[str, Any], key: str) -> FormField:
    if not isinstance(item.get("name"), str) or not KEY_PATTERN.match(item["name"]):
        raise ValueError(f"form {key}: a field needs a name of small letters, digits and _")
    if item.get("type") not in FIELD_TYPES:
        raise ValueError(f"form {key}: field {item.get('name')!r} has unknown type")
    choices = tuple(Choice(str(c["value"]), c.get("zh", c["value"]), c.get("en", c["value"]))
                    for c in item.get("choices", []))
    limits = {k: Decimal(str(item[k])) for k in ("min_value", "max_value") if k in item}
    return FormField(
        show_if=_condition(item.get("show_if"), key, item.get("name")),
        name=item["name"], type=item["type"], label_zh=item.get("label_zh", item["name"]),
        label_en=item.get("label_en", item["name"]), required=bool(item.get("required")),
        choices=choices, min_length=item.get("min_length"), max_length=item.get("max_length"),
        help_zh=item.get("help_zh", ""), help_en=item.get("help_en", ""), **limits,
    )


def _condition(value: Any, key: str, name: Any) -> tuple[str, tuple[str, ...]] | None:
    """`show_if = { field = "decision", equals = "return" }` (or `in = [...]`)."""
    if value is None:
        return None
    if not isinstance(value, dict) or not isinstance(value.get("field"), str):
        raise ValueError(f"form {key}: field {name!r}: show_if needs a field")
    values = value["in"] if "in" in value else [value.get("equals")]
    if not isinstance(values, list) or not values or None in values:
        raise ValueError(f"form {key}: field {name!r}: show_if needs equals or in")
    return value["field"], tuple(str(v) for v in values)


def validate(form: FormDefinition, raw: dict[str, Any]) -> dict[str, Any]:
    """Clean submitted values; InvalidInput with every field's error when any is bad.
    A field whose `show_if` does not hold is neither required nor kept."""
    clean: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for f in form.fields:
        if not f.shown(raw):
            continue
        value = raw.get(f.name)
        if value is None or value == "" or value == []:
            if f.required:
                errors[f.name] = "required"
            continue
        try:
            clean[f.name] = _clean(f, value)
        except ValueError as exc:
            errors[f.name] = str(exc)
    if errors:
        raise InvalidInput("the form has errors", fields=errors)
    return clean


def _clean(f: FormField, value: Any) -> Any:
    if f.type in ("text", "textarea", "uscc", "org", "user", "file"):
        text = str(value).strip()
        if f.min_length is not None and len(text) < f.min_length:
            raise ValueError(f"at least {f.min_length} characters")
        if f.max_length is not None and len(text) > f.max_length:
            raise ValueError(f"at most {f.max_length} characters")
        return text
    if f.type in ("number", "money"):
        try:
            number = Decimal(str(value).replace(",", ""))
        except InvalidOperation:
            raise ValueError("not a number") from None
        if not number.is_finite():
            raise ValueError("not a number")
        if f.min_value is not None and number < f.min_value:
            raise ValueError(f"at least {f.min_value}")
        if f.max_value is not None and number > f.max_value:
            raise ValueError(f"at most {f.max_value}")
        return str(number) if f.type == "money" else float(number)
    if f.type == "date":
        try:
            return date.fromisoformat(str(value)).isoformat()
        except ValueError:
            raise ValueError("not a date (YYYY-MM-DD)") from None
    allowed = {c.value for c in f.choices}
    if f.type == "select":
        if str(value) not in allowed:
            raise ValueError("not one of the choices")
        return str(value)
    values = [str(v) for v in (value if isinstance(value, list) else [value])]
    if not set(values) <= allowed:
        raise ValueError("not one of the choices")
    return values
