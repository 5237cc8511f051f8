"""The registry shared with departments (互联共享) as its readers get it: search rows with
personal data masked, the Excel export (capped and audited), and the changes feed of public
fields that other systems page through (engine.registry.sharing says who reads what)."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, BinaryIO

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine import audit, registry, runtime
from engine.entity_records import FIELDS, masked_values
from engine.errors import InvalidInput
from engine.models import User
from engine.paging import Page, page_of
from engine.registry import RegistryFilter

# Every registration field but the platform's own (routing); personal data masked.
SHARED_FIELDS = tuple(name for name in FIELDS if name != "routing_state")
# What other systems get (DOMAIN.md, "Market entities": public), with the change time.
PUBLIC_FIELDS = ("uscc", "name", "legal_representative", "address", "business_scope", "status")
MAX_EXPORT_ROWS = 50_000
MAX_CHANGES = 1000


@dataclass(frozen=True)
class SharedRow:
    """One entity of a search: its id (for the link to its page) and masked fields."""

    id: int
    values: dict[str, Any]


@dataclass(frozen=True)
class ChangePage:
    """One page of the changes feed; `next_cursor` asks for what follows it."""

    rows: list[dict[str, Any]]
    next_cursor: str | None
    has_more: bool


def search_registry(session: Session, user: User, asked: RegistryFilter, page: int = 1,
                    per_page: int = 25) -> Page[SharedRow]:
    """One page of the user's registry that matches, newest registrations first."""
    found = page_of(session, registry.registry_query(session, user, asked),
                    registry.REGISTRY_ORDER, page, per_page)
    rows = [SharedRow(entity.id, masked_values(entity, SHARED_FIELDS)) for entity in found.rows]
    return Page(rows, found.total, found.page, found.per_page)


def count_registry(session: Session, user: User, asked: RegistryFilter) -> int:
    query = registry.registry_query(session, user, asked)
    return session.execute(select(func.count()).select_from(query.subquery())).scalar_one()


def export_registry(session: Session, actor: audit.Actor, asked: RegistryFilter,
                    headers: Sequence[str], stream: BinaryIO) -> int:
    """Write the matching entities (SHARED_FIELDS under `headers`, personal data masked) to
    an Excel workbook; at most MAX_EXPORT_ROWS, else nothing is written and InvalidInput
    says so. The export is an audit event: who, the filter, how many rows."""
    user = runtime.actor_user(session, actor)
    if user is None:
        raise InvalidInput("exports are for people", fields={"user": "required"})
    total = count_registry(session, user, asked)
    if total > MAX_EXPORT_ROWS:
        raise InvalidInput(f"{total} entities match; an export holds at most "
                           f"{MAX_EXPORT_ROWS}", code="export_too_large",
                           fields={"rows": "too_many"}, total=total)
    query = (registry.registry_query(session, user, asked).order_by(*registry.REGISTRY_ORDER)
             .limit(MAX_EXPORT_ROWS).execution_options(yield_per=1000))
    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    bold = Font(bold=True)
    sheet.append([_bold(sheet, header, bold) for header in headers])
    written = 0
    for entity in session.execute(query).scalars():
        values = masked_values(entity, SHARED_FIELDS)
        sheet.append([values[name] for name in SHARED_FIELDS])
        written += 1
    book.save(stream)
    areas = registry.shared_areas(session, user)
    audit.record(session, actor, "registry.export", "registry",
                 ",".join(areas) if areas else "city", filter=asked.asked(), rows=written)
    return written


def _bold(sheet: Any, text: str, font: Font) -> Any:
    cell = WriteOnlyCell(sheet, value=text)
    cell.font = font
    return cell


def entity_changes(session: Session, user: User, cursor: str | None = None,
                   since: datetime | None = None, limit: int = 100) -> ChangePage:
    """The entities of the user's registry in the order they changed, public fields and
    the change time: after `cursor` (from the last page), else changed at or after
    `since`. Rows that share a change time are ordered by id, so paging skips and repeats
    none of them."""
    limit = min(max(limit, 1), MAX_CHANGES)
    after = decode_cursor(cursor) if cursor else None
    found = registry.changed_after(session, user, after, since, limit + 1)
    rows = found[:limit]
    last = rows[-1] if rows else None
    return ChangePage(
        [{**masked_values(entity, PUBLIC_FIELDS),
          "updated_at": _utc(entity.updated_at).isoformat()} for entity in rows],
        encode_cursor(_utc(last.updated_at), last.id) if last else cursor,
        len(found) > limit)


def encode_cursor(moment: datetime, entity_id: int) -> str:
    """An opaque position in the changes feed: a change time and an id."""
    text = f"{moment.astimezone(UTC).isoformat()}|{entity_id}"
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, int]:
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        moment, entity_id = text.split("|")
        return parse_moment(moment, "cursor"), int(entity_id)
    except (ValueError, binascii.Error, UnicodeDecodeError) as exc:
        raise InvalidInput("cursor is not one this feed gave",
                           fields={"cursor": "invalid"}) from exc


def parse_moment(text: str, name: str) -> datetime:
    """An ISO 8601 time with its offset (2026-12-03T08:00:00+08:00 or ...Z); a time without
    one is refused rather than guessed."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError as exc:
        raise InvalidInput(f"{name} must be an ISO 8601 time with an offset",
                           fields={name: "not_datetime"}) from exc
    if moment.tzinfo is None:
        raise InvalidInput(f"{name} needs a time zone offset (Z or +08:00)",
                           fields={name: "not_datetime"})
    return moment


def _utc(moment: datetime | None) -> datetime:
    assert moment is not None  # the feed reads only rows with a change time
    return moment.astimezone(UTC)
