"""Tabular files (CSV in UTF-8, UTF-8 with BOM or GBK; XLSX): formats, headers, rows; the
registration export's headers by default, another kind of file's by its `Headers`."""

from __future__ import annotations

import codecs
import csv
import io
import os
import pickle
import re
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from engine.errors import InvalidInput
from engine.registry.workbooks import WorkbookLimits, XlsxRows

Source = IO[bytes] | bytes | str | os.PathLike[str]

# field → accepted headers, as real AMR exports spell them, then the English alias.
COLUMNS: dict[str, tuple[str, ...]] = {
    "uscc": ("统一社会信用代码", "社会信用代码", "信用代码", "uscc"),
    "name": ("企业名称", "名称", "主体名称", "市场主体名称", "name"),
    "registration_number": ("注册号", "registration_number"),
    "entity_type": ("市场主体类型", "企业类型", "类型", "主体类型", "entity_type"),
    "legal_representative": ("法定代表人", "负责人", "经营者", "法定代表人(负责人)",
                             "法定代表人/负责人", "legal_representative"),
    "phone": ("联系电话", "电话", "phone"),
    "established_on": ("成立日期", "established_on"),
    "approved_on": ("核准日期", "approved_on"),
    "registered_capital": ("注册资本", "注册资金", "registered_capital"),
    "address": ("住所", "经营场所", "住所(经营场所)", "地址", "address"),
    "business_scope": ("经营范围", "business_scope"),
    "registration_authority": ("登记机关", "registration_authority"),
    "status": ("登记状态", "经营状态", "status"),
    "area_code": ("行政区划代码", "所属区域", "区域代码", "行政区划", "area_code", "area"),
    "township": ("乡镇(街道)", "乡镇", "街道", "township"),
    "business_term": ("营业期限", "business_term"),
    "supervising_station": ("属地监管所", "监管所", "supervising_station"),
    "industry_code": ("行业代码", "国民经济行业代码", "industry_code"),
}
# Every row needs these; without their columns a file is not a registration export at all
# (one file-level error) — but for the area, which a row may take from its 登记机关 or USCC.
REQUIRED = ("uscc", "name", "area_code", "business_scope", "established_on")
REQUIRED_COLUMNS = tuple(f for f in REQUIRED if f != "area_code")
# The header a file-level error names for a missing field.
DISPLAY = {field: headers[0] for field, headers in COLUMNS.items()}

HEADER_SCAN_ROWS = 10  # exports sometimes put a title line or two above the header
_PAREN = str.maketrans({"（": "(", "）": ")"})
_UNIT = re.compile(r"\([^()]*\)$")


def normalize_header(text: object) -> str:
    """Headers compare without spaces, underscores, case, or the width of parentheses."""
    return re.sub(r"[\s_\-\u3000]+", "", str(text or "")).translate(_PAREN).lower()


class Headers:
    """What a kind of file calls its columns: field → accepted headers (the first is the one
    named when missing), and the fields whose columns a file must have."""

    def __init__(self, columns: dict[str, tuple[str, ...]], required: tuple[str, ...]) -> None:
        self.columns, self.required = columns, required
        self._aliases = {normalize_header(h): f for f, hs in columns.items() for h in hs}

    def field_of(self, header: str) -> str | None:
        """The field a header names; a trailing unit such as "(万元)" may follow it."""
        key = normalize_header(header)
        return self._aliases.get(key) or self._aliases.get(_UNIT.sub("", key))

    def display(self, field: str) -> str:
        return self.columns[field][0]


REGISTRATION_HEADERS = Headers(COLUMNS, REQUIRED_COLUMNS)


def field_of(header: str) -> str | None:
    """The registration field a header names; a trailing unit such as "(万元)" may follow it."""
    return REGISTRATION_HEADERS.field_of(header)


@dataclass
class Table:
    """A registration file opened for reading: its header and a way to walk its rows."""

    source: _CsvRows | XlsxRows
    headers: list[str]
    header_row: int  # as the user sees it: the first line of the file is row 1
    columns: dict[str, list[int]]  # field → indexes of the columns naming it, left first
    estimated_rows: int | None

    def rows(self) -> Iterator[tuple[int, list[Any]]]:
        """(row number, cells) of every non-blank row below the header; can be walked again."""
        for number, cells in self.source.rows():
            if number > self.header_row and any(_filled(c) for c in cells):
                yield number, cells

    def close(self) -> None:
        self.source.close()


class RowSpool:
    """Checked rows kept until they are written, pickled batch by batch into a temporary
    file: memory stays bounded and the file is not read (nor parsed) twice."""

    def __init__(self, spool: IO[bytes], batch_size: int) -> None:
        self.spool, self.batch_size = spool, batch_size
        self.pending: list[dict[str, Any]] = []

    def add(self, values: dict[str, Any]) -> None:
        self.pending.append(values)
        if len(self.pending) >= self.batch_size:
            self._dump()

    def _dump(self) -> None:
        pickle.dump(self.pending, self.spool, protocol=pickle.HIGHEST_PROTOCOL)
        self.pending = []

    def batches(self) -> Iterator[list[dict[str, Any]]]:
        if self.pending:
            self._dump()
        self.spool.seek(0)
        while True:
            try:
                yield pickle.load(self.spool)  # our own file, written above
            except EOFError:
                return


@contextmanager
def open_source(source: Source) -> Iterator[IO[bytes]]:
    """A seekable binary stream over a path, bytes or a file object (spooled if need be)."""
    if isinstance(source, bytes):
        yield io.BytesIO(source)
    elif isinstance(source, str | os.PathLike):
        with Path(source).open("rb") as stream:
            yield stream
    elif source.seekable():
        source.seek(0)
        yield source
    else:
        with tempfile.SpooledTemporaryFile(max_size=32 << 20) as spool:
            shutil.copyfileobj(source, spool)
            spool.seek(0)
            yield spool


def open_table(stream: IO[bytes], limits: WorkbookLimits,
               headers: Headers = REGISTRATION_HEADERS) -> Table:
    """Detect the format and encoding and find the header (the row naming most of `headers`'
    columns among the first ten); raises InvalidInput for a bad file (a workbook over
    `limits` is refused before it is parsed). Close the table when done (an XLSX workbook
    stays open between walks)."""
    stream.seek(0)
    head = stream.read(8)
    stream.seek(0)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise InvalidInput("old Excel (.xls) files cannot be read; save the sheet as .xlsx "
                           "or CSV")
    source = XlsxRows(stream, limits) if head.startswith(b"PK\x03\x04") else _CsvRows(stream)
    try:
        return _find_header(source, headers)
    except BaseException:
        source.close()
        raise


def _find_header(source: _CsvRows | XlsxRows, spec: Headers) -> Table:
    first: list[tuple[int, list[Any]]] = []
    for number, cells in source.rows():
        if any(_filled(c) for c in cells):
            first.append((number, cells))
        if len(first) >= HEADER_SCAN_ROWS:
            break
    if not first:
        raise InvalidInput("the file is empty")
    header_row, header = max(first, key=lambda row: _known_headers(row[1], spec))
    if _known_headers(header, spec) == 0:
        header_row, header = first[0]
    headers = [str(c).strip() if _filled(c) else "" for c in header]
    columns: dict[str, list[int]] = {}
    for index, text in enumerate(headers):
        field = spec.field_of(text)
        if field:
            columns.setdefault(field, []).append(index)
    missing = [spec.display(f) for f in spec.required if f not in columns]
    if missing:
        found = "、".join(h for h in headers if h) or "(none)"
        raise InvalidInput(f"missing required column(s): {'、'.join(missing)}; "
                           f"headers found in row {header_row}: {found}")
    estimate = source.size - header_row if source.size else None
    table = Table(source, headers, header_row, columns, estimate)
    if next(table.rows(), None) is None:
        raise InvalidInput(f"the file has a header (row {header_row}) but no data rows")
    return table


def _known_headers(cells: list[Any], spec: Headers) -> int:
    return sum(1 for c in cells if _filled(c) and spec.field_of(str(c)))


def _filled(cell: Any) -> bool:
    return cell is not None and (not isinstance(cell, str) or cell.strip() != "")


class _CsvRows:
    """The records of a CSV file (comma-, tab- or semicolon-separated, whichever the first
    lines hold most of), in the encoding found on opening."""

    def __init__(self, stream: IO[bytes]) -> None:
        self.stream = stream
        self.encoding, self.size = _detect_encoding(stream)

    def rows(self) -> Iterator[tuple[int, list[Any]]]:
        self.stream.seek(0)
        text = io.TextIOWrapper(self.stream, encoding=self.encoding, errors="strict",
                                newline="")
        try:
            sample = "".join(text.readline() for _ in range(HEADER_SCAN_ROWS))
            text.seek(0)
            delimiter = max(",\t;", key=sample.count)  # Excel's "Unicode text" has tabs
            yield from enumerate(csv.reader(text, delimiter=delimiter), start=1)
        except UnicodeDecodeError as exc:
            raise InvalidInput("the file is not valid UTF-16 text" if self.encoding == "utf-16"
                               else "the file is neither UTF-8 nor GBK text") from exc
        except csv.Error as exc:
            raise InvalidInput(f"the CSV cannot be read: {exc}") from exc
        finally:
            text.detach()  # the stream is the caller's

    def close(self) -> None:
        pass


def _detect_encoding(stream: IO[bytes]) -> tuple[str, int]:
    """UTF-8 (with or without BOM) when the whole file decodes strictly, else GB18030 (⊃ GBK);
    UTF-16 when it starts with its byte-order mark (Excel's "Unicode text").

    Returns the encoding and the number of lines, an estimate of the rows (0: unknown).
    """
    if stream.read(2) in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        stream.seek(0)
        return "utf-16", 0
    stream.seek(0)
    decoder = codecs.getincrementaldecoder("utf-8-sig")("strict")
    lines, encoding = 0, "utf-8-sig"
    for chunk in iter(lambda: stream.read(1 << 20), b""):
        lines += chunk.count(b"\n")
        if encoding == "utf-8-sig":
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError:
                encoding = "gb18030"
    if encoding == "utf-8-sig":
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            encoding = "gb18030"
    stream.seek(0)
    return encoding, lines + 1


def records_csv(records: object) -> bytes:
    """Registrations given as JSON objects (the API's pushes: keys are the headers or their
    English aliases) as a UTF-8 CSV the import reads like a file; record i is row i + 2."""
    if not isinstance(records, list):
        raise InvalidInput("send a list of registrations", fields={"registrations": "not_list"})
    headers: dict[str, None] = {}
    for index, record in enumerate(records):
        if not isinstance(record, dict):
            raise InvalidInput("each registration is an object",
                               fields={f"registrations[{index}]": "not_object"})
        for key, value in record.items():
            if isinstance(value, dict | list):
                raise InvalidInput("values are text, numbers or null", fields={
                    f"registrations[{index}].{key}": "not_scalar"})
            headers.setdefault(str(key), None)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headers)
    for record in records:
        writer.writerow(["" if record.get(h) is None else record.get(h) for h in headers])
    return out.getvalue().encode("utf-8")
