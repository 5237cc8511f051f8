"""Inbox pages over HTTP: 16 signed-in sessions against `creditflow serve` (gunicorn, 2 workers).

Builds the dataset of bench/inbox.py (200,000 open work items by default), starts
the production server configuration as a subprocess, signs in 16 users (14
officers, 2 county supervisors) and has each load its inbox pages, cycling
through the tabs, for a fixed time. Reports requests/s and p50/p95 latency per
backend, and the server's CPU milliseconds per page (the whole process tree, from /proc)
against a trivial signed-in page of the same app in the same run. Targets: p95 <= 150 ms,
CPU ratio <= 3.
"""

from __future__ import annotations

import sys
from pathlib import Path

# Run as a script, this file's folder comes first on the path, and its name would hide
# the standard library's http package: the project folder takes its place.
HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE]
sys.path.insert(0, str(HERE.parent))

import argparse  # noqa: E402
import http.client  # noqa: E402
import os  # noqa: E402
import re  # noqa: E402
import socket  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
from urllib.parse import urlencode  # noqa: E402

from sqlalchemy import Engine  # noqa: E402

from bench.common import backends, database, emit, progress, summary_ms  # noqa: E402
from bench.inbox import BENCH_PASSWORD, COUNTIES, build_dataset  # noqa: E402

TARGET_P95_MS = 150.0
TARGET_CPU_RATIO = 3.0  # server CPU per inbox page / per trivial signed-in page
TRIVIAL = ("/auth/password",)
SESSIONS = 16
SUPERVISORS = 2
WORKERS = 2
TABS = ("mine", "claimable", "due_soon", "overdue")
CSRF = re.compile(r'name="csrf-token" content="([^"]+)"')


class Browser:
    """One signed-in user on a keep-alive connection, keeping the session cookie."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.cookie = ""

    def request(self, method: str, path: str, body: str | None = None) -> tuple[int, str]:
        headers = {"Cookie": self.cookie} if self.cookie else {}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
        except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
            # The server closed an idle keep-alive connection: open a new one, once.
            self.connection.close()
            self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
        text = response.read().decode("utf-8", "replace")
        for header, value in response.getheaders():
            if header.lower() == "set-cookie" and value.startswith("creditflow_session="):
                self.cookie = value.split(";", 1)[0]
        return response.status, text

    def sign_in(self, username: str) -> None:
        _status, page = self.request("GET", "/auth/login")
        token = CSRF.search(page).group(1)
        status, _ = self.request("POST", "/auth/login", urlencode(
            {"csrf_token": token, "username": username, "password": BENCH_PASSWORD}))
        if status != 302:
            raise RuntimeError(f"{username} could not sign in ({status})")


def database_url(engine: Engine) -> str:
    url = engine.url
    if engine.dialect.name == "postgresql":
        with engine.connect() as connection:
            schema = connection.exec_driver_sql("SHOW search_path").scalar()
        url = url.update_query_dict({"options": f"-csearch_path={schema}"})
    return url.render_as_string(hide_password=False)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(url: str, var_dir: Path, port: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "CREDITFLOW_DATABASE_URL": url, "CREDITFLOW_VAR_DIR": str(var_dir),
           "CREDITFLOW_LOG_LEVEL": "WARNING"}
    server = subprocess.Popen(
        [sys.executable, "-c", "from webapp.cli import main; main()", "serve",
         "--host", "127.0.0.1", "--port", str(port), "--workers", str(WORKERS)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(server.stderr.read().decode() if server.stderr else "server died")
        try:
            Browser(port).request("GET", "/auth/login")
            return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise RuntimeError("the server did not start within 60 s")


def server_cpu_seconds(root: int) -> float:
    """CPU time (user + system) of the server and every process below it, from /proc:
    gunicorn's master, its workers and the scheduler."""
    clock = os.sysconf("SC_CLK_TCK")
    parents, times = {}, {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(entry.name)] = int(fields[1])
        times[int(entry.name)] = (int(fields[11]) + int(fields[12])) / clock
    tree, grew = {root}, True
    while grew:
        below = {pid for pid, parent in parents.items() if parent in tree} - tree
        tree |= below
        grew = bool(below)
    return sum(times.get(pid, 0.0) for pid in tree)


def run_sessions(port: int, seconds: float, paths: tuple[str, ...] = ()
                 ) -> tuple[list[float], int]:
    """Each session loads its inbox tabs (or `paths`) in turn until time is up; latencies
    and errors."""
    users = [f"jmo{code}" for code in COUNTIES[:SUPERVISORS]]
    users += [f"bench{i}" for i in range(SESSIONS - SUPERVISORS)]
    browsers = [Browser(port) for _ in users]
    for browser, username in zip(browsers, users, strict=True):
        browser.sign_in(username)
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    start = threading.Barrier(len(browsers) + 1)
    stop_at = [0.0]

    def work(browser: Browser, offset: int) -> None:
        start.wait()
        mine, n = [], offset
        while time.perf_counter() < stop_at[0]:
            began = time.perf_counter()
            path = paths[n % len(paths)] if paths else f"/inbox/?tab={TABS[n % len(TABS)]}"
            status, _ = browser.request("GET", path)
            mine.append(time.perf_counter() - began)
            if status != 200:
                with lock:
                    errors[0] += 1
            n += 1
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=work, args=(b, i)) for i, b in enumerate(browsers)]
    for thread in threads:
        thread.start()
    stop_at[0] = time.perf_counter() + seconds
    start.wait()
    for thread in threads:
        thread.join()
    return latencies, errors[0]


def main() -> None:
    args = argparse.ArgumentParser(description=__doc__)
    args.add_argument("--quick", action="store_true", help="20,000 items, 8 seconds")
    args.add_argument("--items", type=int)
    args.add_argument("--seconds", type=float)
    options = args.parse_args()
    items = options.items or (20_000 if options.quick else 200_000)
    seconds = options.seconds or (8.0 if options.quick else 30.0)
    with tempfile.TemporaryDirectory() as tmp:
        for backend in backends():
            with database(backend, Path(tmp)) as engine:
                progress(f"{backend}: building {items:,} work items")
                build_dataset(engine, Path(tmp) / backend, items=items)
                port = free_port()
                server = start_server(database_url(engine), Path(tmp) / backend, port)
                try:
                    progress(f"{backend}: {SESSIONS} sessions for {seconds:.0f}s")
                    cpu_before = server_cpu_seconds(server.pid)
                    latencies, errors = run_sessions(port, seconds)
                    cpu_inbox = server_cpu_seconds(server.pid) - cpu_before
                    # The reference: a trivial signed-in page (the password form) of the same
                    # app, in the same run; the ratio is what the inbox itself costs.
                    progress(f"{backend}: the trivial page for {seconds / 2:.0f}s")
                    cpu_before = server_cpu_seconds(server.pid)
                    trivial, _trivial_errors = run_sessions(port, seconds / 2, TRIVIAL)
                    cpu_trivial = server_cpu_seconds(server.pid) - cpu_before
                finally:
                    server.terminate()
                    server.wait(30)
                figures = summary_ms(latencies)
                inbox_cpu_ms = 1000 * cpu_inbox / max(len(latencies), 1)
                trivial_cpu_ms = 1000 * cpu_trivial / max(len(trivial), 1)
                ratio = round(inbox_cpu_ms / trivial_cpu_ms, 2) if trivial_cpu_ms else None
                # The machine may be shared: the load average says how much to trust a figure.
                load = round(os.getloadavg()[0], 2)
                emit(bench="http_inbox", backend=backend, items=items, sessions=SESSIONS,
                     workers=WORKERS, seconds=seconds, requests=len(latencies), errors=errors,
                     requests_per_s=round(len(latencies) / seconds, 1), **figures,
                     target_p95_ms=TARGET_P95_MS,
                     meets_target=figures["p95_ms"] <= TARGET_P95_MS and errors == 0,
                     server_cpu_ms_per_page=round(inbox_cpu_ms, 2),
                     trivial_page=TRIVIAL[0], trivial_p50_ms=summary_ms(trivial)["p50_ms"],
                     trivial_cpu_ms_per_page=round(trivial_cpu_ms, 2),
                     cpu_ratio=ratio, target_cpu_ratio=TARGET_CPU_RATIO,
                     meets_cpu_target=ratio is not None and ratio <= TARGET_CPU_RATIO,
                     load_average=load)


if __name__ == "__main__":
    main()
