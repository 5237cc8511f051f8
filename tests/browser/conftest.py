"""Browser journeys: the app served on a local port, driven by Debian's chromium via Playwright."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker
from werkzeug.serving import make_server

from engine.config import Settings
from tests.factories import World
from tests.webapp.conftest import database_url, world  # noqa: F401
from webapp import create_app, database

CHROMIUM = Path(os.environ.get("CREDITFLOW_CHROMIUM", "/usr/bin/chromium"))
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"

playwright_api = pytest.importorskip("playwright.sync_api")
if not CHROMIUM.exists():
    pytest.skip(f"{CHROMIUM} is missing (make test installs it)", allow_module_level=True)


@pytest.hookimpl(tryfirst=True, hookwrapper=True)
def pytest_runtest_makereport(item, call):  # type: ignore[no-untyped-def]
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"report_{report.when}", report)


@pytest.fixture
def server(db_engine: Engine, world: World, tmp_path: Path) -> Iterator[str]:  # noqa: F811
    """The app on 127.0.0.1 (a free port), in a thread of this process."""
    settings = Settings(var_dir=tmp_path / "var", database_url=database_url(db_engine))
    app = create_app(settings)
    http = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=http.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{http.server_port}"
    finally:
        http.shutdown()
        thread.join(5)
        database.engine(app).dispose()


@pytest.fixture
def server_sessions(sessions: sessionmaker[Session]) -> sessionmaker[Session]:
    return sessions


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    with playwright_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def new_page(browser, request):  # type: ignore[no-untyped-def]
    """new_page(width=375) → a page in a fresh context; a screenshot is saved if the test fails."""
    contexts = []

    def make(width: int = 1024, height: int = 800):  # type: ignore[no-untyped-def]
        context = browser.new_context(viewport={"width": width, "height": height},
                                      locale="zh-CN")
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield make
    report = getattr(request.node, "report_call", None)
    for number, context in enumerate(contexts):
        if report is not None and report.failed:
            SCREENSHOTS.mkdir(exist_ok=True)
            for page in context.pages:
                name = request.node.name.replace("/", "_").replace("[", "-").rstrip("]")
                page.screenshot(path=str(SCREENSHOTS / f"{name}-{number}.png"), full_page=True)
        context.close()


def sign_in(page, server: str, username: str, password: str = "secret-pass-1") -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{server}/auth/login")
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("form button.primary")
    # Each role lands where its work is (webapp/landing.py): wait to leave the sign-in page.
    page.wait_for_url(lambda url: url.startswith(server) and "/auth/login" not in url)
