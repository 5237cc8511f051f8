"""Form versions in the database: saved from the editor, deployed from the shipped files,
and pinned to each process version when it is deployed."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine import audit, clock
from engine.errors import InvalidInput
from engine.models import FormVersion, ProcessDefinition, ProcessForm
from engine.runtime.derive import properties_of
from engine.runtime.forms import (
    FIELD_TYPES,
    FORMS_DIR,
    KEY_PATTERN,
    form_exists,
    parse_form,
    shipped_raw,
)
from engine.workflow import ParsedProcess

COMMENT_MAX = 500
CHOICE_TYPES = ("select", "multiselect")
TITLE_MAX = 200
# What a new form starts with: a form needs a field, and most tasks ask for an opinion.
FIRST_FIELD = {"name": "opinion", "type": "textarea", "required": True, "label_zh": "意见",
               "label_en": "Opinion", "max_length": 500}


def digest(raw: dict[str, Any]) -> str:
    """The content's hash: the same definition, however written, hashes the same."""
    text = json.dumps(raw, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def latest_version(session: Session, key: str) -> FormVersion | None:
    return session.execute(select(FormVersion).where(FormVersion.key == key)
                           .order_by(FormVersion.version.desc()).limit(1)).scalar()


def versions(session: Session, key: str) -> list[FormVersion]:
    """Every version of a form, newest first."""
    return list(session.execute(select(FormVersion).where(FormVersion.key == key)
                                .order_by(FormVersion.version.desc())).scalars())


def form_known(session: Session, key: str, forms_dir: Path = FORMS_DIR) -> bool:
    """A form a user task may name: deployed in the database, or shipped in forms/."""
    return form_exists(key, forms_dir) or latest_version(session, key) is not None


def create_form(session: Session, actor: audit.Actor, key: str, title_zh: str, title_en: str,
                comment: str, forms_dir: Path = FORMS_DIR) -> FormVersion:
    """A new form's version 1, with one field (an opinion) to edit from, audited as
    `form.create`. InvalidInput names every problem: `key` (`bad_key`: not small letters,
    digits and _ starting with a letter; `taken`: shipped in forms/ or saved already),
    `title_zh`, `title_en` (required, too_long)."""
    key, titles = key.strip(), {"title_zh": title_zh.strip(), "title_en": title_en.strip()}
    problems = {name: "required" if not text else "too_long"
                for name, text in titles.items() if not text or len(text) > TITLE_MAX}
    if not KEY_PATTERN.match(key):
        problems["key"] = "bad_key"
    elif form_known(session, key, forms_dir):
        problems["key"] = "taken"
    if problems:
        raise InvalidInput("the new form cannot be made", fields=problems)
    return _store(session, actor, key, {**titles, "fields": [dict(FIRST_FIELD)]}, comment,
                  action="form.create")


def _store(session: Session, actor: audit.Actor, key: str, raw: dict[str, Any],
           comment: str | None, action: str = "form.save") -> FormVersion:
    latest = latest_version(session, key)
    row = FormVersion(key=key, version=(latest.version if latest else 0) + 1,
                      sha256=digest(raw), definition=raw, saved_by=actor.name,
                      saved_at=clock.now(), comment=comment)
    session.add(row)
    session.flush()
    audit.record(session, actor, action, "form_version", row.id, key=key,
                 version=row.version, comment=comment,
                 before=latest.definition if latest else None, after=raw)
    return row


def sync_shipped(session: Session, key: str, forms_dir: Path = FORMS_DIR) -> FormVersion | None:
    """Deploy forms/<key>.toml as the form's next version unless some version already holds
    its content (a shipped file never undoes what the editor saved since); the latest
    version after that, None when the form is neither shipped nor deployed."""
    raw = shipped_raw(key, forms_dir)
    if raw is not None:
        sha = digest(raw)
        known = session.execute(select(FormVersion.id).where(
            FormVersion.key == key, FormVersion.sha256 == sha).limit(1)).scalar()
        if known is None:
            parse_form(key, raw)
            _store(session, audit.SYSTEM, key, raw, f"forms/{key}.toml")
    return latest_version(session, key)


def form_keys(parsed: ParsedProcess) -> set[str]:
    """The form keys the user tasks of a parsed process (and its own sub-processes) name."""
    keys: set[str] = set()
    for spec in [parsed.spec, *parsed.subprocess_specs.values()]:
        for task_spec in spec.task_specs.values():
            key = properties_of(task_spec).get("formKey") if getattr(
                task_spec, "manual", False) else None
            if key:
                keys.add(key)
    return keys


def forms_to_pin(session: Session, parsed: ParsedProcess,
                 forms_dir: Path = FORMS_DIR) -> dict[str, FormVersion]:
    """The form versions a new version of the process would carry: for each form it names,
    the latest version after the shipped file is deployed."""
    found = {key: sync_shipped(session, key, forms_dir) for key in sorted(form_keys(parsed))}
    return {key: row for key, row in found.items() if row is not None}


def pinned_digest(files_digest: str, pins: dict[str, FormVersion]) -> str:
    """A process version is its files and the form versions it carries: a changed form makes
    the same files a new version when deployed again."""
    if not pins:
        return files_digest
    extra = json.dumps(sorted((key, row.sha256) for key, row in pins.items())).encode()
    return hashlib.sha256(files_digest.encode() + b"forms" + extra).hexdigest()


def pin(session: Session, definition: ProcessDefinition, pins: dict[str, FormVersion]) -> None:
    session.add_all(ProcessForm(definition_id=definition.id, form_key=key,
                                form_version_id=row.id) for key, row in pins.items())
    session.flush()


def save_form(session: Session, actor: audit.Actor, key: str, raw: dict[str, Any],
              comment: str, forms_dir: Path = FORMS_DIR) -> tuple[FormVersion, bool]:
    """Save an edited form as its next version (audited, with the version before and after);
    identical content saves nothing. A shipped form never deployed gets its shipped file as
    version 1 first, so the edit is version 2. InvalidInput names every bad entry."""
    comment = check(raw, comment)
    latest = sync_shipped(session, key, forms_dir)
    if latest is not None and latest.sha256 == digest(raw):
        return latest, False
    return _store(session, actor, key, raw, comment), True


def check(raw: dict[str, Any], comment: str) -> str:
    """The comment, stripped, when the definition and the comment may be saved; else
    InvalidInput naming every problem by entry (see `form_problems`, and `comment`)."""
    comment = (comment or "").strip()
    problems = form_problems(raw)
    if not comment:
        problems["comment"] = "required"
    elif len(comment) > COMMENT_MAX:
        problems["comment"] = "too_long"
    if problems:
        raise InvalidInput("the form definition has errors", fields=problems)
    return comment


def form_problems(raw: dict[str, Any]) -> dict[str, str]:
    """What is wrong with a definition, by entry (`title_zh`, `fields.2.name`, ...) and code."""
    problems: dict[str, str] = {}
    for name in ("title_zh", "title_en"):
        if not str(raw.get(name) or "").strip():
            problems[name] = "required"
    fields = raw.get("fields") or []
    if not fields:
        problems["fields"] = "no_fields"
    earlier: dict[str, dict[str, Any]] = {}
    for index, item in enumerate(fields):
        for entry, code in _field_problems(item, earlier).items():
            problems[f"fields.{index}.{entry}"] = code
        if isinstance(item.get("name"), str):
            earlier.setdefault(item["name"], item)
    if not problems:
        try:
            parse_form("form", raw)
        except (ValueError, KeyError, TypeError):
            problems["fields"] = "invalid"
    return problems


def _field_problems(item: dict[str, Any], earlier: dict[str, dict[str, Any]]) -> dict[str, str]:
    problems: dict[str, str] = {}
    name = item.get("name")
    if not isinstance(name, str) or not name:
        problems["name"] = "required"
    elif not name.isascii() or not name[0].isalpha() or not all(
            c.islower() or c.isdigit() or c == "_" for c in name) or len(name) > 100:
        problems["name"] = "bad_name"
    elif name in earlier:
        problems["name"] = "duplicate_name"
    if item.get("type") not in FIELD_TYPES:
        problems["type"] = "bad_type"
    for label in ("label_zh", "label_en"):
        if not str(item.get(label) or "").strip():
            problems[label] = "required"
    problems.update(_choice_problems(item))
    problems.update(_limit_problems(item))
    condition = item.get("show_if")
    if condition is not None:
        other = earlier.get(str(condition.get("field")))
        values = condition.get("in") or ([condition["equals"]] if "equals" in condition else [])
        if other is None or other.get("type") not in CHOICE_TYPES:
            problems["show_if"] = "no_earlier_choice"
        elif not values:
            problems["show_if_values"] = "required"
        elif not set(values) <= {c.get("value") for c in other.get("choices", [])}:
            problems["show_if_values"] = "not_offered"
    return problems


def _choice_problems(item: dict[str, Any]) -> dict[str, str]:
    choices = item.get("choices") or []
    if item.get("type") in CHOICE_TYPES and not choices:
        return {"choices": "no_choices"}
    values = [str(c.get("value") or "").strip() for c in choices]
    if any(not v for v in values) or any(not str(c.get("zh") or "").strip() for c in choices):
        return {"choices": "choice_incomplete"}
    if len(set(values)) != len(values):
        return {"choices": "duplicate_choice"}
    return {}


def _limit_problems(item: dict[str, Any]) -> dict[str, str]:
    problems: dict[str, str] = {}
    for low, high in (("min_length", "max_length"), ("min_value", "max_value")):
        if low in item and high in item and item[low] > item[high]:
            problems[high] = "min_above_max"
    for name in ("min_length", "max_length"):
        if name in item and item[name] < 0:
            problems[name] = "negative"
    return problems


def uses(session: Session) -> dict[str, list[tuple[str, int]]]:
    """For each form key, the processes whose latest version uses it: (key, version)."""
    latest = (select(ProcessDefinition.key, func.max(ProcessDefinition.version).label("v"))
              .group_by(ProcessDefinition.key).subquery())
    rows = session.execute(
        select(ProcessForm.form_key, ProcessDefinition.key, ProcessDefinition.version,
               FormVersion.version)
        .join(ProcessDefinition, ProcessDefinition.id == ProcessForm.definition_id)
        .join(latest, (latest.c.key == ProcessDefinition.key)
              & (latest.c.v == ProcessDefinition.version))
        .join(FormVersion, FormVersion.id == ProcessForm.form_version_id)
        .order_by(ProcessDefinition.key)).all()
    found: dict[str, list[tuple[str, int]]] = {}
    for form_key, process_key, _version, form_version in rows:
        found.setdefault(form_key, []).append((process_key, form_version))
    return found
