"""The upload check on an XLSX zip bomb: seconds and peak memory until it answers.

Builds a registration workbook whose sheet repeats one row (or, with --wide, whose
last row repeats one cell) until it unpacks to N MB (400 by default, compressed
over 100 to 1), then runs the upload check (a dry run of
the import, as `check_upload` runs it) in a child process on an empty SQLite database,
and reports its wall time, its peak RSS and the reason it gave. `--code` runs the check
from another checkout (to measure the code before a change). Target: refused in under
a second, the peak RSS that of the imports alone. One JSON line.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import emit  # noqa: E402
from tests.engine.registry.bombs import xlsx_bomb  # noqa: E402

PROJECT = Path(__file__).resolve().parent.parent
CHILD = """
import json, resource, sys, time
started = time.monotonic()
from engine.audit import Actor
from engine.config import Settings
from engine.db import make_engine, session_factory
from engine.models import Base
from engine.registry import import_file
engine = make_engine("sqlite:///" + sys.argv[2])
Base.metadata.create_all(engine)
imported, rss = time.monotonic(), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
report = import_file(session_factory(engine, Settings()), Actor("bench"), sys.argv[1],
                     dry_run=True)
print(json.dumps({"error": report.file_error, "rows_read": report.rows_read,
                  "check_seconds": round(time.monotonic() - imported, 3),
                  "imports_rss_mb": rss // 1024}))
"""


def main() -> None:
    args = argparse.ArgumentParser(description=__doc__)
    args.add_argument("--quick", action="store_true", help="a 100 MB bomb")
    args.add_argument("--mb", type=int, help="what the bomb unpacks to (default 400)")
    args.add_argument("--wide", action="store_true",
                      help="one row of repeated cells (held whole) instead of repeated rows")
    args.add_argument("--code", type=Path, default=PROJECT, help="checkout to run the check")
    options = args.parse_args()
    size = options.mb or (100 if options.quick else 400)
    with tempfile.TemporaryDirectory() as folder:
        bomb = xlsx_bomb(Path(folder) / "bomb.xlsx", size << 20, wide=options.wide)
        started = time.monotonic()
        done = subprocess.run([sys.executable, "-c", CHILD, str(bomb), f"{folder}/check.db"],
                              cwd=options.code, capture_output=True, text=True)
        seconds = time.monotonic() - started
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024
        figures = json.loads(done.stdout) if done.returncode == 0 else {
            "crashed": done.stderr.strip().splitlines()[-1:]}
        emit(bench="xlsx_bomb", code=str(options.code), unpacked_mb=size,
             shape="one wide row" if options.wide else "many rows",
             file_mb=round(bomb.stat().st_size / (1 << 20), 1), seconds=round(seconds, 3),
             peak_rss_mb=peak, **figures)


if __name__ == "__main__":
    main()
