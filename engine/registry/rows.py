"""One row of a registration file checked and turned into MarketEntity values."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from functools import partial
from typing import Any

from engine.models import MarketEntity
from engine.registry import uscc as credit_code
from engine.registry.files import DISPLAY, REQUIRED, Table, normalize_header

_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
                   r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?")
_COMPACT_DATE = re.compile(r"(\d{4})(\d{2})(\d{2})")
_CAPITAL = re.compile(r"([+-]?\d+(?:\.\d+)?)\s*(万元人民币|万人民币|万元|万|元人民币|元)?")
_EXCEL_EPOCH = date(1899, 12, 30)
_MAX_CAPITAL = Decimal(10) ** 14  # Numeric(18, 4)
_FOUR_PLACES = Decimal("0.0001")
# C0 control characters but tab, line feed and carriage return (line breaks in a cell):
# a NUL cannot be stored by PostgreSQL at all, the others are never meant.
_AUTHORITY_SUFFIXES = ("市场监督管理局", "市场监管局", "工商行政管理局", "行政审批局")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class RowProblem:
    """Why a row was refused: its number as the user sees it (header = 1), the column, a reason."""

    row: int
    column: str
    reason: str


class RowReader:
    """Turns the cells of a row into MarketEntity values for the columns the file has."""

    def __init__(self, table: Table, areas: dict[str, str]) -> None:
        """`areas`: every way the file may name an area → its code (org.areas.area_lookup)."""
        self.headers = table.headers
        self.areas = areas
        # Without an area column the area comes from the 登记机关 or the USCC (area_from).
        self.fields = (*table.columns, *(() if "area_code" in table.columns else ("area_code",)))
        self._first = {f: table.columns[f][0] for f in table.columns}
        self._area_header = (self.headers[self._first["area_code"]] if "area_code" in
                             table.columns else DISPLAY["area_code"])
        self.area_from: str | None = None  # of the row read last: "authority" or "uscc"
        in_yuan = any("(元)" in normalize_header(table.headers[i])
                      for i in table.columns.get("registered_capital", ()))
        # (field, column indexes, converter, required) in file order, worked out once.
        self._plan = [(f, table.columns[f], _converter(f, in_yuan, areas),
                       f in REQUIRED and f != "area_code") for f in table.columns]

    def header(self, field: str) -> str:
        return self.headers[self._first[field]] if field in self._first else DISPLAY[field]

    def read(self, number: int, cells: list[Any]) -> tuple[dict[str, Any], list[RowProblem]]:
        """The row's values (None where a cell is blank) and its problems (empty when valid)."""
        values: dict[str, Any] = {}
        problems: list[RowProblem] = []
        width = len(cells)
        for field, indexes, convert, required in self._plan:
            raw, used = None, indexes[0]
            for index in indexes:  # the first filled one: 法定代表人, else 负责人
                cell = cells[index] if index < width else None
                if isinstance(cell, str):
                    cell = cell.strip()
                if cell is not None and cell != "":
                    raw, used = cell, index
                    break
            if raw is None:
                values[field] = None
                if required:
                    problems.append(RowProblem(number, self.headers[used], "required"))
                continue
            try:
                values[field] = convert(_printable(raw))
            except ValueError as exc:
                values[field] = None
                problems.append(RowProblem(number, self.headers[used], str(exc)))
        self.area_from = None
        if values.get("area_code") is None and not any(
                p.column == self._area_header for p in problems):
            values["area_code"], self.area_from = self._derived_area(values)
            if values["area_code"] is None:
                problems.append(RowProblem(number, self._area_header, "required"))
        return values, problems

    def _derived_area(self, values: dict[str, Any]) -> tuple[str | None, str | None]:
        """A row without an area: that of its 登记机关 ("隆阳区市场监督管理局"), else the
        registering authority's division in its USCC (characters 3–8)."""
        authority = values.get("registration_authority") or ""
        for suffix in _AUTHORITY_SUFFIXES:
            if authority.endswith(suffix) and authority[:-len(suffix)] in self.areas:
                return self.areas[authority[:-len(suffix)]], "authority"
        code = values.get("uscc")
        if code and code[2:8] in self.areas:
            return self.areas[code[2:8]], "uscc"
        return None, None


def _printable(raw: Any) -> Any:
    if isinstance(raw, str):
        control = _CONTROL.search(raw)
        if control:
            raise ValueError(f"control character U+{ord(control.group()):04X} not allowed")
    return raw


def _converter(field: str, in_yuan: bool, areas: dict[str, str]) -> Callable[[Any], Any]:
    if field == "uscc":
        return _credit_code
    if field in ("established_on", "approved_on"):
        return parse_date
    if field == "registered_capital":
        return partial(parse_capital, in_yuan=in_yuan)
    if field == "area_code":
        return partial(parse_area, areas=areas)
    if field == "registration_number":
        return _registration_number
    limit = getattr(MarketEntity.__table__.c[field].type, "length", None) or 10**9

    def text(raw: Any) -> str:
        value = raw if isinstance(raw, str) else _as_text(raw)
        if len(value) > limit:
            raise ValueError(f"longer than {limit} characters ({len(value)})")
        return value

    return text


def _registration_number(raw: Any) -> str:
    """注册号: the 15 digits older entities were registered under."""
    number = re.sub(r"\s+", "", unicodedata.normalize("NFKC", _as_text(raw)))
    if not re.fullmatch(r"\d{15}", number):
        raise ValueError(f"a registration number has 15 digits, not {number!r}")
    return number


def _credit_code(raw: Any) -> str:
    code = _as_text(raw).upper()
    if not code.isascii() or " " in code:  # full-width characters, spaces typed in the middle
        code = re.sub(r"\s+", "", unicodedata.normalize("NFKC", code)).upper()
    reason = credit_code.problem(code)
    if reason:
        raise ValueError(f"invalid unified social credit code {code!r}: {reason}")
    return code


def _as_text(raw: Any) -> str:
    """Cell text; whole numbers from Excel lose their ".0" (phone numbers, industry codes)."""
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    return str(raw).strip()


def parse_date(raw: Any) -> date:
    """YYYY-MM-DD, YYYY/M/D, YYYY.M.D, YYYY年M月D日, YYYYMMDD, or an Excel date or serial."""
    if isinstance(raw, datetime):
        return _plausible(raw.date())
    if isinstance(raw, date):
        return _plausible(raw)
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        if 19000101 <= raw <= 21001231 and float(raw).is_integer():
            raw = str(int(raw))
        elif 0 < raw < 100000:
            return _plausible(_EXCEL_EPOCH + timedelta(days=int(raw)))
    text = raw if isinstance(raw, str) else _as_text(raw)
    if len(text) == 10 and text[4] == "-" == text[7] and text.isascii():  # the usual case
        with suppress(ValueError):
            return _plausible(date.fromisoformat(text))
    match = _DATE.fullmatch(text) or _COMPACT_DATE.fullmatch(text)
    if not match:
        raise ValueError(f"not a date: {text!r} (write YYYY-MM-DD)")
    try:
        day = date(*(int(part) for part in match.groups()))
    except ValueError:
        raise ValueError(f"no such day: {text!r}") from None
    return _plausible(day)


def _plausible(day: date) -> date:
    if not 1900 <= day.year <= 2100:
        raise ValueError(f"date out of range: {day.isoformat()}")
    return day


def parse_capital(raw: Any, *, in_yuan: bool = False) -> Decimal:
    """Registered capital in 万元: "100", "100.5", "100万元"; "1000000元" is converted."""
    text = _as_text(raw).replace(",", "").replace("，", "")
    match = _CAPITAL.fullmatch(text)
    if not match:
        raise ValueError(f"not an amount: {text!r} (write a number of 万元)")
    try:
        amount = Decimal(match.group(1))
    except InvalidOperation:
        raise ValueError(f"not an amount: {text!r}") from None
    unit = match.group(2) or ""
    if (in_yuan and not unit.startswith("万")) or unit in ("元", "元人民币"):
        amount /= 10000
    if amount < 0:
        raise ValueError(f"negative amount: {text!r}")
    if amount >= _MAX_CAPITAL:
        raise ValueError(f"amount too large: {text!r}")
    return amount.quantize(_FOUR_PLACES)


def parse_area(raw: Any, areas: dict[str, str]) -> str:
    """An area code (530502, or 530502000000) or name (隆阳区) among `areas` → its 6-digit
    code."""
    text = raw if isinstance(raw, str) else _as_text(raw)
    code = areas.get(text)
    if code is not None:
        return code
    text = re.sub(r"\s+", "", text)
    if re.fullmatch(r"\d{12}", text) and text.endswith("000000"):
        text = text[:6]
    code = areas.get(text)
    if code is None:
        raise ValueError(f"unknown area {text!r}")
    return code
