"""WTForms built from the declarative task forms, and validators with translated messages."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import Field, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Optional,
    StopValidation,
    ValidationError,
)
from wtforms.widgets import CheckboxInput, ListWidget

from engine.registry.uscc import problem as uscc_problem
from engine.runtime.forms import FormDefinition, FormField

RESERVED = frozenset({"csrf_token", "data", "errors", "meta", "populate_obj", "process",
                      "validate", "validate_on_submit", "hidden_tag", "is_submitted"})


def required() -> InputRequired:
    return InputRequired(message=_l("This field is required."))


def filled() -> DataRequired:
    """Required, and more than blanks (use with the `strip` filter)."""
    return DataRequired(message=_l("This field is required."))


def strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


class TextLength:
    def __init__(self, min_length: int | None, max_length: int | None) -> None:
        self.min_length, self.max_length = min_length, max_length

    def __call__(self, _form: FlaskForm, field: Field) -> None:
        text = (field.data or "").strip()
        if self.min_length is not None and text and len(text) < self.min_length:
            raise ValidationError(_("Enter at least %(n)d characters.", n=self.min_length))
        if self.max_length is not None and len(text) > self.max_length:
            raise ValidationError(_("Enter at most %(n)d characters.", n=self.max_length))


class NumberText:
    def __init__(self, min_value: Decimal | None, max_value: Decimal | None) -> None:
        self.min_value, self.max_value = min_value, max_value

    def __call__(self, _form: FlaskForm, field: Field) -> None:
        try:
            number = Decimal((field.data or "").replace(",", "").strip())
        except InvalidOperation:
            raise ValidationError(_("Enter a number.")) from None
        if not number.is_finite():
            raise ValidationError(_("Enter a number."))
        if self.min_value is not None and number < self.min_value:
            raise ValidationError(_("Enter at least %(n)s.", n=self.min_value))
        if self.max_value is not None and number > self.max_value:
            raise ValidationError(_("Enter at most %(n)s.", n=self.max_value))


def date_text(_form: FlaskForm, field: Field) -> None:
    try:
        day = date.fromisoformat((field.data or "").strip())
    except ValueError:
        raise ValidationError(_("Enter a date as YYYY-MM-DD.")) from None
    if not 1900 <= day.year <= 2100:
        raise ValidationError(_("Enter a date between 1900 and 2100."))


def uscc_text(_form: FlaskForm, field: Field) -> None:
    if uscc_problem((field.data or "").strip().upper()):
        raise ValidationError(_("This is not a valid unified social credit code."))


class ShownIf:
    """First validator of a conditional field: while the field `name` has none of `values`,
    the field is not asked, so nothing about it is checked (and its value is not kept)."""

    def __init__(self, name: str, values: tuple[str, ...]) -> None:
        self.name, self.values = name, values

    def __call__(self, form: FlaskForm, field: Field) -> None:
        if not shown(form, self.name, self.values):
            field.errors[:] = []
            raise StopValidation()


def shown(form: FlaskForm, name: str, values: tuple[str, ...]) -> bool:
    chosen = form[name].data if name in form else None
    chosen = chosen if isinstance(chosen, list) else [chosen]
    return any(str(value) in values for value in chosen if value is not None)


def show_if(name: str, *values: str) -> dict[str, str]:
    """Attributes with which app.js shows the field only while `name` has one of `values`
    (without JavaScript every field shows, and the server ignores the ones that do not
    apply)."""
    return {"data-show-if-field": name, "data-show-if-values": json.dumps(list(values))}


class OneOf:
    def __init__(self, values: set[str]) -> None:
        self.values = values

    def __call__(self, _form: FlaskForm, field: Field) -> None:
        chosen = field.data if isinstance(field.data, list) else [field.data]
        if not set(chosen) <= self.values:
            raise ValidationError(_("Choose one of the options."))


def task_form_class(definition: FormDefinition, locale: str) -> type[FlaskForm]:
    """A FlaskForm class with one field per field of the definition, labelled in `locale`."""
    attrs: dict[str, Any] = {}
    for spec in definition.fields:
        if spec.name in RESERVED or hasattr(FlaskForm, spec.name):
            raise ValueError(f"form {definition.key}: field name {spec.name!r} is reserved")
        attrs[spec.name] = _field(spec, locale, definition)
    return type(f"TaskForm_{definition.key}", (FlaskForm,), attrs)


def _field(spec: FormField, locale: str, definition: FormDefinition) -> Field:
    label = spec.label(locale)
    help_text = spec.help_en if locale.startswith("en") else spec.help_zh
    kwargs: dict[str, Any] = {"label": label, "description": help_text}
    condition: list[Any] = []
    render: dict[str, Any] = {}
    if spec.show_if is not None:
        condition = [ShownIf(*spec.show_if)]
        render = show_if(spec.show_if[0], *spec.show_if[1])
        kwargs["description"] = help_text or _condition_text(spec, definition, locale)
    if spec.type in ("select", "multiselect"):
        checks: list[Any] = [*condition, required() if spec.required else Optional()]
        kwargs["render_kw"] = render
        choices = [(c.value, c.en if locale.startswith("en") else c.zh) for c in spec.choices]
        checks.append(OneOf({c.value for c in spec.choices}))
        if spec.type == "multiselect":
            return SelectMultipleField(choices=choices, validators=checks, validate_choice=False,
                                       widget=ListWidget(prefix_label=False),
                                       option_widget=CheckboxInput(), **kwargs)
        return SelectField(choices=[("", _l("— choose —")), *choices], validators=checks,
                           validate_choice=False, **kwargs)
    if spec.type == "file":
        return FileField(validators=[*condition, Optional()], render_kw=render, **kwargs)
    checks = [*condition, filled() if spec.required else Optional()]
    if spec.max_length:
        render["maxlength"] = spec.max_length
    if spec.type in ("number", "money"):
        checks.append(NumberText(spec.min_value, spec.max_value))
        render["inputmode"] = "decimal"
    elif spec.type == "date":
        checks.append(date_text)
        render["type"] = "date"
    elif spec.type == "uscc":
        checks.append(uscc_text)
        render.update(maxlength=18, autocapitalize="characters")
    checks.append(TextLength(spec.min_length, spec.max_length))
    kind = TextAreaField if spec.type == "textarea" else StringField
    return kind(validators=checks, filters=[strip], render_kw=render, **kwargs)


def _condition_text(spec: FormField, definition: FormDefinition, locale: str) -> str:
    """"Only when Decision is Return": the help of a conditional field without its own."""
    assert spec.show_if is not None
    name, values = spec.show_if
    other = next(f for f in definition.fields if f.name == name)
    english = locale.startswith("en")
    labels = [c.en if english else c.zh for c in other.choices if c.value in values]
    with force_locale(locale):
        return _("Only when %(field)s is %(values)s.", field=other.label(locale),
                 values=_(" or ").join(labels))


def submitted_values(form: FlaskForm, definition: FormDefinition) -> dict[str, Any]:
    """What the user typed, field by field, for the engine's own validation; a field whose
    condition does not hold is left out."""
    fields = [spec for spec in definition.fields if spec.type != "file"]
    values = {spec.name: form[spec.name].data for spec in fields}
    return {spec.name: values[spec.name] for spec in fields if spec.shown(values)}


def add_engine_errors(form: FlaskForm, fields: dict[str, str]) -> None:
    """Show the engine's refusals next to their fields (rare: the form checks the same rules)."""
    for name in fields:
        if name in form:
            form[name].errors = [*form[name].errors, _("This value is not accepted.")]
