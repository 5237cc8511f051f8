"""Batch checks from a file: the codes of an uploaded CSV or XLSX (the column headed
统一社会信用代码), read as the registry reads its files (workbooks checked before parsing)."""

from __future__ import annotations

from contextlib import closing
from typing import IO

from sqlalchemy.orm import Session

from engine import audit, registry
from engine.credit_check.check import MAX_BATCH, Report, check_codes
from engine.db import settings_of
from engine.errors import InvalidInput

CODE_HEADERS = registry.Headers({"uscc": ("统一社会信用代码", "社会信用代码", "信用代码", "uscc",
                                          "USCC")}, ("uscc",))


def codes_of_file(session: Session, stream: IO[bytes]) -> list[str]:
    """The codes of the file's 统一社会信用代码 column, in order, blank cells skipped; at
    most MAX_BATCH (InvalidInput otherwise, or for a file that cannot be read)."""
    settings = settings_of(session)
    limits = registry.WorkbookLimits(settings.registry_xlsx_max_unpacked_bytes,
                                     settings.registry_xlsx_max_ratio)
    codes: list[str] = []
    with closing(registry.open_table(stream, limits, CODE_HEADERS)) as table:
        column = table.columns["uscc"][0]
        for _number, cells in table.rows():
            value = cells[column] if column < len(cells) else None
            if value is None or not str(value).strip():
                continue
            codes.append(str(value).strip())
            if len(codes) > MAX_BATCH:
                raise InvalidInput(f"more than {MAX_BATCH} codes in the file",
                                   fields={"file": "batch_too_large"})
    if not codes:
        raise InvalidInput("the file holds no code", fields={"file": "no_codes"})
    return codes


def check_file(session: Session, actor: audit.Actor, stream: IO[bytes], action: str,
               unit_id: int | None) -> Report:
    """Check every code of an uploaded file for `action` (one log row, a row per hit)."""
    return check_codes(session, actor, codes_of_file(session, stream), action,
                       unit_id=unit_id, origin="batch")
