"""Background work of the web app: registry checks and imports run in a small thread pool,
reporting their progress through the database (engine.registry.uploads)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, wait
from threading import Lock
from typing import Any

from flask import Flask, current_app

log = logging.getLogger(__name__)
WORKERS = 2


class Jobs:
    """A thread pool that remembers its running futures, so tests can wait for them."""

    def __init__(self, workers: int = WORKERS) -> None:
        self.pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="registry")
        self.running: set[Future[Any]] = set()
        self.lock = Lock()

    def submit(self, work: Callable[..., Any], *args: Any) -> Future[Any]:
        future = self.pool.submit(work, *args)
        with self.lock:
            self.running.add(future)
        future.add_done_callback(self._done)
        return future

    def wait(self, timeout: float | None = None) -> None:
        """Until every job submitted so far has finished (their errors are re-raised)."""
        with self.lock:
            pending = list(self.running)
        wait(pending, timeout)
        for future in pending:
            future.result(0)

    def _done(self, future: Future[Any]) -> None:
        with self.lock:
            self.running.discard(future)
        if future.exception() is not None:
            log.error("a background job failed", exc_info=future.exception())


def init_app(app: Flask) -> None:
    app.extensions.setdefault("creditflow.jobs", Jobs())


def jobs() -> Jobs:
    return current_app.extensions["creditflow.jobs"]
