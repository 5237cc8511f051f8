"""Shared pieces of the benchmarks: databases to run on, timing, JSON lines."""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, text

from engine.db import make_engine
from engine.models import Base


def emit(**figure: Any) -> None:
    """One JSON object per line on stdout."""
    print(json.dumps(figure, ensure_ascii=False), flush=True)


def pg_url() -> str:
    return os.environ.get("CREDITFLOW_BENCH_DATABASE_URL") or os.environ.get(
        "CREDITFLOW_TEST_DATABASE_URL", "")


def backends() -> list[str]:
    """SQLite, and PostgreSQL when a URL is configured; CREDITFLOW_BENCH_BACKENDS narrows it."""
    found = ["sqlite"] + (["postgres"] if pg_url() else [])
    wanted = os.environ.get("CREDITFLOW_BENCH_BACKENDS")
    return [b for b in found if not wanted or b in wanted.split(",")]


@contextmanager
def database(backend: str, workdir: Path) -> Iterator[Engine]:
    """An empty schema on SQLite (a file) or PostgreSQL (a schema dropped afterwards)."""
    if backend == "sqlite":
        path = workdir / f"bench-{uuid.uuid4().hex[:8]}.db"
        engine = make_engine(f"sqlite:///{path}")
        Base.metadata.create_all(engine)
        try:
            yield engine
        finally:
            engine.dispose()
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    admin = make_engine(pg_url())
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine = make_engine(pg_url(), connect_args={"options": f"-csearch_path={schema}"},
                         pool_size=20, max_overflow=20)
    Base.metadata.create_all(engine)
    try:
        yield engine
    finally:
        engine.dispose()
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def timed(fn: Callable[[], Any], repeat: int) -> list[float]:
    """Seconds taken by each of `repeat` calls."""
    out = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        out.append(time.perf_counter() - start)
    return out


def percentile(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    index = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[index]


def summary_ms(samples: list[float]) -> dict[str, float]:
    return {"p50_ms": round(statistics.median(samples) * 1000, 3),
            "p95_ms": round(percentile(samples, 95) * 1000, 3),
            "mean_ms": round(statistics.fmean(samples) * 1000, 3), "n": len(samples)}


def progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)
