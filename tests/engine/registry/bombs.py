"""XLSX zip bombs: a real registration workbook whose sheet repeats one row until it unpacks
to the size asked for, compressed hard (built in well under a second per 300 MB)."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

from openpyxl import Workbook

from engine.seed.samples import HEADERS, sample_rows

SHEET = "xl/worksheets/sheet1.xml"
BLOCK_ROWS = 4096


def xlsx_bomb(path: Path, unpacked_bytes: int, level: int = 9, wide: bool = False) -> Path:
    """Write to `path` a workbook with the registration header and one data row, then that
    row repeated (or, `wide`, one row of cells, which a reader holds whole) until the sheet
    unpacks to about `unpacked_bytes`; returns the path."""
    book = Workbook()
    book.active.append(HEADERS)
    book.active.append(next(sample_rows(1, seed=11)))
    plain = io.BytesIO()
    book.save(plain)
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(
            path, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as bomb:
        for member in source.infolist():
            if member.filename != SHEET:
                bomb.writestr(member.filename, source.read(member))
        head, tail = source.read(SHEET).decode().split("</sheetData>")
        row = re.sub(r' r="[A-Z]*\d+"', "", re.findall(r"<row .*?</row>", head)[1])
        head, end = (head + "<row>", "</row></sheetData>") if wide else (head, "</sheetData>")
        block = ("<c><v>1</v></c>" if wide else row).encode() * BLOCK_ROWS
        with bomb.open(SHEET, "w", force_zip64=True) as out:
            out.write(head.encode())
            for _ in range(max(unpacked_bytes // len(block), 1)):
                out.write(block)
            out.write(f"{end}{tail}".encode())
    return path
