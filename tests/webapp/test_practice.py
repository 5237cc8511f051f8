"""The practice copy: a system administrator makes it; any user switches to it, works there
under a banner, and nothing of it reaches the real database; back again, the banner goes."""

from __future__ import annotations

import pytest
from sqlalchemy import MetaData, func, select

from engine.models import Comment, ProcessInstance, WorkItem, WorkItemStatus
from engine.practice import practice_engine
from tests.webapp.conftest import start_case

pytestmark = [pytest.mark.usefixtures("traveller"), pytest.mark.both_backends]


def counts(engine) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """Rows per table: what the real database holds."""
    tables = MetaData()
    tables.reflect(engine)
    with engine.connect() as connection:
        return {name: connection.execute(select(func.count()).select_from(table)).scalar_one()
                for name, table in tables.tables.items()}


def test_practice_is_made_worked_on_and_never_touches_the_real_database(app, login,
                                                                          app_sessions):
    from webapp import database

    real_case = start_case(app_sessions)
    chen = login("chen")
    assert "还没有练习版" in chen.get("/practice/").text
    refused = chen.post("/practice/enter", {})
    assert "练习版尚未就绪" in chen.get(refused.headers["Location"]).text
    assert chen.post("/practice/reset", {}).status_code == 404  # administrators only

    admin = login("admin")
    started = admin.post("/practice/reset", {})
    assert "正在重新生成" in admin.get(started.headers["Location"]).text
    app.extensions["creditflow.jobs"].wait(300)
    made = chen.get("/practice/").text
    assert 'id="state"' in made and "个市场主体" in made

    before = counts(database.engine(app))
    entered = chen.post("/practice/enter", {})
    inbox = chen.get(entered.headers["Location"], follow_redirects=True).text
    assert 'id="practice-banner"' in inbox and 'class="practice"' in inbox
    engine = practice_engine(app.extensions["creditflow.settings"])
    with engine.connect() as copy:
        item_id = copy.execute(select(WorkItem.id).where(
            WorkItem.status == WorkItemStatus.OPEN, WorkItem.process_key == "sample_review")
            .order_by(WorkItem.id)).scalars().first()
    assert item_id is not None
    commented = chen.post(f"/tasks/{item_id}/comments", {"body": "练习：已电话核实"})
    assert commented.status_code == 302
    assert chen.post(f"/tasks/{item_id}/claim", {}).status_code == 302
    assert counts(database.engine(app)) == before  # not one row of the real database
    with engine.connect() as copy:
        assert copy.execute(select(Comment.body).where(
            Comment.body == "练习：已电话核实")).scalar_one()
    engine.dispose()

    back = chen.post("/practice/leave", {})
    page = chen.get(back.headers["Location"], follow_redirects=True).text
    assert 'id="practice-banner"' not in page
    with app_sessions() as session:
        assert session.get(ProcessInstance, real_case.instance_id) is not None
        assert session.execute(select(func.count(Comment.id))).scalar_one() == 0
    assert "id=\"practice-banner\"" not in admin.get("/inbox/").text  # only chen practised
    database.forget_practice_engine(app)  # its schema goes with the test's own
