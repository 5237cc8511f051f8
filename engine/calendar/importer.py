"""Reading and checking arrangement files (CSV or JSON) and importing them into the calendar."""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from engine import audit
from engine.audit import Actor
from engine.calendar import NATIONAL, Day, replace_years
from engine.errors import InvalidInput


@dataclass(frozen=True)
class ImportResult:
    """What `import_arrangement` did."""

    area_code: str
    years: tuple[int, ...]  # replaced and marked as loaded
    stored: int
    redundant: int  # national rows that only repeat the weekend rule, not stored
    replaced: int  # rows of those years removed first


_COLUMNS = {"date": "date", "日期": "date", "is_workday": "flag", "workday": "flag",
            "type": "flag", "类型": "flag", "是否工作日": "flag", "note": "note", "备注": "note"}
_FLAGS = {"workday": True, "工作日": True, "上班": True, "true": True, "yes": True, "1": True,
          "是": True, "holiday": False, "休息日": False, "节假日": False, "休息": False,
          "false": False, "no": False, "0": False, "否": False}
_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y年%m月%d日")
_Row = tuple[str, Any, Any, Any]  # label, date, flag, note as read


def import_arrangement(session: Session, actor: Actor, path: Path | str,
                       area_code: str = NATIONAL) -> ImportResult:
    """Replace an area's days in the years a CSV or JSON file covers; mark those years.

    Every row is checked first: any bad row refuses the whole file with InvalidInput,
    `fields` mapping "row N" to the reasons. Days spilling over New Year from a
    neighbouring year (2012's arrangement made 2011-12-31 a workday) are merged in
    without replacing that year.
    """
    path = Path(path)
    if not 0 < len(area_code) <= 12:
        raise InvalidInput("bad area code", fields={"area_code": "1 to 12 characters"})
    days, errors = _validate(_read_rows(path))
    if errors:
        raise InvalidInput(f"{path.name}: {len(errors)} bad row(s), nothing imported",
                           fields=errors)
    if not days:
        raise _refused(path, "the file lists no days")
    years = _covered_years([d.day for d in days])
    # National rows equal to the weekend rule say nothing; an area's rows are all kept,
    # as they may cancel a national change (a make-up Saturday given off locally).
    kept = [d for d in days if area_code != NATIONAL or d.is_workday != (d.day.weekday() < 5)]
    replaced = replace_years(session, area_code, list(years), kept,
                              f"import:{path.name}"[:40])
    audit.record(session, actor, "calendar.import", "calendar", area_code, file=path.name,
                 years=list(years), stored=len(kept), replaced=replaced)
    return ImportResult(area_code, years, len(kept), len(days) - len(kept), replaced)


def _refused(path: Path, reason: str) -> InvalidInput:
    return InvalidInput(f"{path.name} refused: {reason}", fields={"file": reason})


def _read_rows(path: Path) -> list[_Row]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeError) as exc:
        raise _refused(path, f"cannot read it as UTF-8 ({exc})") from exc
    if path.suffix.lower() != ".json" and text.lstrip()[:1] not in ("[", "{"):
        return _csv_rows(path, text)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise _refused(path, f"not JSON ({exc})") from exc
    lists: list[tuple[str, list[Any], bool | None]]
    if isinstance(data, dict) and {"holidays", "workdays"} & set(data):
        lists = [("holidays ", data.get("holidays") or [], False),
                 ("workdays ", data.get("workdays") or [], True)]
    elif isinstance(data, list):
        lists = [("", data, None)]
    else:
        raise _refused(path, 'expected [{"date", "workday", "note"}, ...] '
                             'or {"holidays": [...], "workdays": [...]}')
    rows: list[_Row] = []
    for prefix, items, flag in lists:
        for number, item in enumerate(items, start=1):
            item = item if isinstance(item, dict) else {"date": item}
            rows.append((f"{prefix}row {number}", item.get("date"),
                         item.get("workday", item.get("is_workday")) if flag is None else flag,
                         item.get("note")))
    return rows


def _csv_rows(path: Path, text: str) -> list[_Row]:
    reader = csv.reader(io.StringIO(text))
    # A header like "类型(工作日/休息日)" names the 类型 column.
    columns = [_COLUMNS.get(re.split(r"[(（]", name)[0].strip().lower())
               for name in next(reader, [])]
    if "date" not in columns or "flag" not in columns:
        raise _refused(path, "needs columns date and is_workday or type "
                             "(日期, 类型), and optionally note (备注)")
    rows: list[_Row] = []
    for number, cells in enumerate(reader, start=2):  # the header is row 1
        values = {key: cell for key, cell in zip(columns, cells, strict=False) if key}
        if any(cell.strip() for cell in cells):
            rows.append((f"row {number}", values.get("date"), values.get("flag"),
                         values.get("note")))
    return rows


def _validate(rows: list[_Row]) -> tuple[list[Day], dict[str, str]]:
    days: list[Day] = []
    errors: dict[str, str] = {}
    seen: dict[date, str] = {}
    for label, day_value, flag_value, note in rows:
        day = _parse_date(day_value)
        flag = flag_value if isinstance(flag_value, bool) else _FLAGS.get(
            str(flag_value).strip().lower())
        duplicate = seen.get(day) if day is not None else None
        problems = [text for bad, text in [
            (day is None, f"date {day_value!r} is not a date like 2026-02-14"),
            (flag is None, f"type {flag_value!r} is not workday/holiday (工作日/休息日)"),
            (note is not None and (not isinstance(note, str) or len(note.strip()) > 100),
             "the note is not text of at most 100 characters"),
            (duplicate is not None, f"{day} is also in {duplicate}")] if bad]
        if problems:
            errors[label] = "; ".join(problems)
        elif day is not None and flag is not None:
            seen[day] = label
            days.append(Day(day, flag, note.strip() or None if note else None))
    return days, errors


def _parse_date(value: Any) -> date | None:
    for pattern in _DATE_FORMATS if isinstance(value, str) else ():
        try:
            return datetime.strptime(value.strip(), pattern).date()
        except ValueError:
            continue
    return None


def _covered_years(days: list[date]) -> tuple[int, ...]:
    """The years of the file's days, less a few days spilling over New Year."""
    years = {day.year for day in days}

    def spills(year: int) -> bool:
        own = [day for day in days if day.year == year]
        return ((year + 1 in years and min(own) >= date(year, 12, 25))
                or (year - 1 in years and max(own) <= date(year, 1, 7)))

    return tuple(sorted({year for year in years if not spills(year)} or years))

