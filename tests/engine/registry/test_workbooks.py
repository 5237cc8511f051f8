"""Uploaded workbooks: a zip bomb is refused from its central directory, before parsing."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from engine.errors import InvalidInput
from engine.registry.workbooks import WorkbookLimits, XlsxRows, check_archive, human_size
from engine.seed.samples import HEADERS, sample_rows
from tests.engine.registry.bombs import xlsx_bomb

PROJECT = Path(__file__).resolve().parents[3]
LIMITS = WorkbookLimits(max_unpacked_bytes=200 * 1024 * 1024, max_ratio=100)
ADDRESS_SPACE = 1 << 30  # far below what parsing the bomb took (3.5 GB in the issue)

# The upload check (a dry run of the import, as check_upload runs it) in a child process
# that cannot take more than ADDRESS_SPACE of memory, on an empty SQLite database.
CHILD = """
import json, resource, sys, time
resource.setrlimit(resource.RLIMIT_AS, (int(sys.argv[2]), int(sys.argv[2])))
from engine.audit import Actor
from engine.config import Settings
from engine.db import make_engine, session_factory
from engine.models import Base
from engine.registry import import_file
engine = make_engine("sqlite:///" + sys.argv[3])
Base.metadata.create_all(engine)
started = time.monotonic()
report = import_file(session_factory(engine, Settings()), Actor("test"), sys.argv[1],
                     dry_run=True)
print(json.dumps({"error": report.file_error, "rows": report.rows_read,
                  "seconds": time.monotonic() - started}))
"""


def test_a_bomb_is_refused_with_its_size_before_it_is_parsed(tmp_path: Path) -> None:
    bomb = xlsx_bomb(tmp_path / "bomb.xlsx", 256 << 20, wide=True)
    assert bomb.stat().st_size < 3 << 20
    done = subprocess.run([sys.executable, "-c", CHILD, str(bomb), str(ADDRESS_SPACE),
                           str(tmp_path / "check.db")], cwd=PROJECT, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(done.stdout)
    assert re.fullmatch(r"the Excel file unpacks to 25\d MB, more than the limit of 200 MB",
                        result["error"])
    assert result["rows"] == 0 and result["seconds"] < 5


def test_a_workbook_compressed_too_hard_is_refused_with_its_ratio(tmp_path: Path) -> None:
    bomb = xlsx_bomb(tmp_path / "dense.xlsx", 5 << 20)
    with bomb.open("rb") as stream, pytest.raises(InvalidInput) as refused:
        check_archive(stream, LIMITS)
    assert refused.value.message.startswith("the Excel file is compressed ")
    assert refused.value.message.endswith(" to 1, more than the limit of 100 to 1")


def test_a_zip_of_too_many_parts_is_refused_before_its_directory_is_read(tmp_path: Path
                                                                         ) -> None:
    crowded = tmp_path / "crowded.xlsx"
    with zipfile.ZipFile(crowded, "w") as archive:
        for number in range(10_001):
            archive.writestr(f"p{number}", b"")
    with crowded.open("rb") as stream, pytest.raises(InvalidInput) as refused:
        check_archive(stream, LIMITS)
    assert refused.value.message == ("the Excel file holds 10001 parts, more than the limit "
                                     "of 10000")


def test_a_damaged_zip_is_refused_with_a_reason(tmp_path: Path) -> None:
    damaged = tmp_path / "damaged.xlsx"
    damaged.write_bytes(b"PK\x03\x04" + b"\0" * 100)
    with damaged.open("rb") as stream, pytest.raises(InvalidInput) as refused:
        XlsxRows(stream, LIMITS)
    assert refused.value.message == "the Excel file cannot be read: File is not a zip file"


def test_an_ordinary_export_is_streamed_row_by_row(tmp_path: Path) -> None:
    book = Workbook()
    book.active.append(HEADERS)
    for row in sample_rows(3, seed=5):
        book.active.append(row)
    book.save(tmp_path / "export.xlsx")
    with (tmp_path / "export.xlsx").open("rb") as stream:
        rows = XlsxRows(stream, LIMITS)
        assert [number for number, _cells in rows.rows()] == [1, 2, 3, 4]
        assert rows.workbook.read_only
        rows.close()
    with zipfile.ZipFile(tmp_path / "export.xlsx") as archive:
        assert sum(m.file_size for m in archive.infolist()) < LIMITS.max_unpacked_bytes


@pytest.mark.parametrize(("size", "text"), [
    (4 * 1024**3, "4.0 GB"), (200 * 1024**2, "200 MB"), (12 * 1024, "12 KB"), (5, "5 B")])
def test_sizes_are_written_as_people_read_them(size: int, text: str) -> None:
    assert human_size(size) == text
