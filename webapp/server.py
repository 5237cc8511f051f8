"""The production server: gunicorn with the scheduler in its master process, or waitress.

Gunicorn's master starts one scheduler when it is ready; the workers it forks
afterwards serve requests only, so one `creditflow serve` runs one scheduler
however many workers it has.
"""

from __future__ import annotations

import logging
from typing import Any

from engine.config import Settings
from engine.db import engine_from_settings, session_factory
from engine.scheduler import background_scheduler
from webapp import create_app

log = logging.getLogger(__name__)
THREADS_PER_WORKER = 2


def run(settings: Settings, host: str, port: int, workers: int = 2) -> None:
    try:
        from gunicorn.app.base import BaseApplication  # noqa: F401
    except ImportError:  # Windows: no fork, no gunicorn
        run_waitress(settings, host, port)
        return
    gunicorn_app(settings, host, port, workers).run()


def gunicorn_app(settings: Settings, host: str, port: int, workers: int) -> Any:
    from gunicorn.app.base import BaseApplication

    class Server(BaseApplication):  # type: ignore[misc]
        def __init__(self) -> None:
            self.scheduler: Any = None
            self.scheduler_engine: Any = None
            super().__init__()

        def load_config(self) -> None:
            options = {
                "bind": f"{host}:{port}", "workers": workers, "worker_class": "gthread",
                # No control socket in ~/.gunicorn: two servers on one machine would share it.
                "control_socket_disable": True,
                "threads": THREADS_PER_WORKER, "timeout": 60, "graceful_timeout": 10,
                "accesslog": "-", "proc_name": "creditflow",
                "when_ready": self.start_scheduler, "post_fork": self.forget_scheduler,
                "on_exit": self.stop_scheduler,
            }
            for key, value in options.items():
                if key in self.cfg.settings:  # older gunicorns lack control_socket_disable
                    self.cfg.set(key, value)

        def load(self) -> Any:
            return create_app(settings)

        def start_scheduler(self, _server: Any) -> None:
            self.scheduler_engine = engine_from_settings(settings)
            self.scheduler = background_scheduler(
                session_factory(self.scheduler_engine, settings), settings)
            log.info("scheduler started in the gunicorn master")

        def forget_scheduler(self, _server: Any, _worker: Any) -> None:
            # The forked worker must never use (or close) the master's connections.
            if self.scheduler_engine is not None:
                self.scheduler_engine.dispose(close=False)

        def stop_scheduler(self, _server: Any) -> None:
            if self.scheduler is not None:
                self.scheduler.shutdown(wait=False)

    return Server()


def run_waitress(settings: Settings, host: str, port: int) -> None:
    from waitress import serve

    app = create_app(settings)
    scheduler = background_scheduler(
        session_factory(engine_from_settings(settings), settings), settings)
    try:
        serve(app, host=host, port=port, threads=8)
    finally:
        scheduler.shutdown(wait=False)
