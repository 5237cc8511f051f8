"""Uploaded workbooks (XLSX): the zip's declared sizes checked before parsing, rows streamed.

An XLSX file is a zip archive. A few megabytes can unpack to gigabytes (a "zip bomb"), so
the central directory is read first and the workbook is refused, with the figures, when
it would unpack to more than `max_unpacked_bytes` or is compressed more than `max_ratio`
to one. The check is sound because Python's zipfile (which openpyxl reads through) never
returns more bytes of a member than the directory declares for it.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any

from engine.errors import InvalidInput

# A member this small cannot hurt, however well it compresses (an empty sheet does well).
RATIO_FLOOR_BYTES = 1 << 20
# A workbook has tens of parts; a directory of millions would itself fill the memory.
MAX_MEMBERS = 10_000
_END_OF_DIRECTORY = b"PK\x05\x06"


@dataclass(frozen=True)
class WorkbookLimits:
    """What an uploaded workbook may unpack to (settings registry_xlsx_*)."""

    max_unpacked_bytes: int
    max_ratio: int


def human_size(size: int) -> str:
    """Bytes as people read them: "4.0 GB", "200 MB", "12 KB"."""
    for unit, scale in (("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10)):
        if size >= scale:
            value = size / scale
            return f"{value:.1f} {unit}" if value < 10 and unit == "GB" else f"{value:.0f} {unit}"
    return f"{size} B"


def check_archive(stream: IO[bytes], limits: WorkbookLimits) -> None:
    """Refuse (InvalidInput) a workbook whose zip is damaged, unpacks to more than the
    limit, or is compressed more than the limit allows; reads the central directory only."""
    members_declared = _declared_members(stream)
    if members_declared is not None and members_declared > MAX_MEMBERS:
        raise InvalidInput(f"the Excel file holds {members_declared} parts, more than the "
                           f"limit of {MAX_MEMBERS}")
    stream.seek(0)
    try:
        with zipfile.ZipFile(stream) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise InvalidInput(f"the Excel file cannot be read: {_why(exc)}") from exc
    finally:
        stream.seek(0)
    unpacked = sum(member.file_size for member in members)
    packed = sum(member.compress_size for member in members)
    if unpacked > limits.max_unpacked_bytes:
        raise InvalidInput(f"the Excel file unpacks to {human_size(unpacked)}, more than the "
                           f"limit of {human_size(limits.max_unpacked_bytes)}")
    for member in members:
        if member.file_size > RATIO_FLOOR_BYTES:
            _check_ratio(member.file_size, member.compress_size, limits.max_ratio)
    if unpacked > RATIO_FLOOR_BYTES:
        _check_ratio(unpacked, packed, limits.max_ratio)


def _declared_members(stream: IO[bytes]) -> int | None:
    """The number of entries the end-of-directory record declares (0xFFFF: a ZIP64 count,
    taken as too many), read before zipfile builds an object per entry."""
    size = stream.seek(0, 2)
    stream.seek(max(0, size - (1 << 16) - 22))
    tail = stream.read()
    at = tail.rfind(_END_OF_DIRECTORY)
    if at < 0 or len(tail) < at + 12:
        return None  # zipfile will say the archive is damaged
    return int.from_bytes(tail[at + 10:at + 12], "little")


def _check_ratio(unpacked: int, packed: int, limit: int) -> None:
    if unpacked > limit * max(packed, 1):
        ratio = unpacked // max(packed, 1)
        raise InvalidInput(f"the Excel file is compressed {ratio} to 1, more than the limit "
                           f"of {limit} to 1")


class XlsxRows:
    """The rows of the first sheet of a checked workbook, opened once (read-only mode: rows
    are streamed from the zip, never loaded as a whole; values only)."""

    def __init__(self, stream: IO[bytes], limits: WorkbookLimits) -> None:
        check_archive(stream, limits)
        import openpyxl  # only once the archive passed

        try:
            self.workbook = openpyxl.load_workbook(stream, read_only=True, data_only=True)
            self.sheet = self.workbook.worksheets[0]
        except Exception as exc:  # openpyxl raises many kinds for a damaged or foreign zip
            raise InvalidInput(f"the Excel file cannot be read: {_why(exc)}") from exc
        self.size = self.sheet.max_row  # as the file declares it: an estimate
        self.sheet.reset_dimensions()  # a wrong declaration would cut rows off

    def rows(self) -> Iterator[tuple[int, list[Any]]]:
        rows = self.sheet.iter_rows(min_row=1, values_only=True)
        number = 0
        while True:
            try:
                row = next(rows, None)
            except Exception as exc:  # a sheet damaged past its first rows
                raise InvalidInput(f"the Excel file cannot be read: {_why(exc)}") from exc
            if row is None:
                return
            number += 1
            yield number, list(row)

    def close(self) -> None:
        self.workbook.close()


def _why(exc: BaseException) -> str:
    """A reason that is never empty (some exceptions carry no message)."""
    return str(exc).strip() or type(exc).__name__
