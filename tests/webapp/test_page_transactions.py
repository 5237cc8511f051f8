"""A page view that wrote nothing ends its transaction with COMMIT (a ROLLBACK makes
psycopg forget the statements it prepared); a form post commits what its view saved, and
a refused one nothing."""

from __future__ import annotations

from sqlalchemy import event

from webapp import database


def ends(app, send) -> list[str]:  # type: ignore[no-untyped-def]
    seen: list[str] = []
    engine = database.engine(app)
    listeners = {"commit": lambda _conn: seen.append("commit"),
                 "rollback": lambda _conn: seen.append("rollback")}
    for name, listener in listeners.items():
        event.listen(engine, name, listener)
    try:
        send()
    finally:
        for name, listener in listeners.items():
            event.remove(engine, name, listener)
    return seen


def test_a_page_view_ends_with_commit(app, login):
    officer = login("chen")
    assert ends(app, lambda: officer.get("/inbox/?tab=claimable")) == ["commit"]
    assert ends(app, lambda: officer.get("/auth/password")) == ["commit"]


def test_a_post_commits_what_its_view_saved_and_a_refused_one_nothing(app, login):
    officer = login("chen")
    officer.refresh_token()  # a page view of its own
    saved = ends(app, lambda: officer.post("/inbox/filters", {"name": "mine", "tab": "mine"}))
    assert saved == ["commit"]
    # No CSRF token: refused before the view, nothing committed.
    assert "commit" not in ends(app, lambda: officer.http.post("/inbox/filters", data={}))
