"""The production server: gunicorn (or waitress), and the scheduler as a child process.

The scheduler runs in a process of its own (engine.scheduler.SchedulerProcess), started
when the server is ready, restarted if it dies, stopped when the server stops. Neither
gunicorn's master nor its workers run diagram code on their own account, so a sweep can
never keep the master from answering signals or supervising its workers.
"""

from __future__ import annotations

import logging
import socket
from typing import Any

from engine.config import Settings
from engine.scheduler import SchedulerProcess
from webapp import create_app
from webapp.worker_loads import Loads

log = logging.getLogger(__name__)
THREADS_PER_WORKER = 2


def run(settings: Settings, host: str, port: int, workers: int = 2) -> None:
    try:
        from gunicorn.app.base import BaseApplication  # noqa: F401
    except ImportError:  # Windows: no fork, no gunicorn
        run_waitress(settings, host, port)
        return
    refuse_busy_port(host, port)
    gunicorn_app(settings, host, port, workers).run()


def refuse_busy_port(host: str, port: int) -> None:
    """Stop at once, saying why, if the port is taken (gunicorn would retry for seconds
    and then report that it cannot connect)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        # As gunicorn binds: a port a stopped server left in TIME_WAIT is free.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise PortInUse(f"{host}:{port} is in use ({exc.strerror}): is the app running "
                            "already?") from exc


class PortInUse(RuntimeError):
    pass


def gunicorn_app(settings: Settings, host: str, port: int, workers: int) -> Any:
    from gunicorn.app.base import BaseApplication

    class Server(BaseApplication):  # type: ignore[misc]
        def __init__(self) -> None:
            self.scheduler: SchedulerProcess | None = None
            self.loads = Loads()  # before the workers fork: they share it
            super().__init__()

        def load_config(self) -> None:
            options = {
                "bind": f"{host}:{port}", "workers": workers,
                "worker_class": "webapp.gunicorn_worker.BalancingThreadWorker",
                # No control socket in ~/.gunicorn: two servers on one machine would share it.
                "control_socket_disable": True,
                "threads": THREADS_PER_WORKER, "timeout": 60, "graceful_timeout": 10,
                "accesslog": "-", "proc_name": "creditflow",
                "when_ready": self.start_scheduler, "on_exit": self.stop_scheduler,
            }
            for key, value in options.items():
                if key in self.cfg.settings:  # older gunicorns lack control_socket_disable
                    self.cfg.set(key, value)

        def load(self) -> Any:
            return create_app(settings)

        def start_scheduler(self, _server: Any) -> None:
            self.scheduler = SchedulerProcess(settings).start()

        def stop_scheduler(self, _server: Any) -> None:
            if self.scheduler is not None:
                self.scheduler.stop()

    return Server()


def run_waitress(settings: Settings, host: str, port: int) -> None:
    from waitress import serve

    app = create_app(settings)
    scheduler = SchedulerProcess(settings).start()
    try:
        serve(app, host=host, port=port, threads=8)
    finally:
        scheduler.stop()
