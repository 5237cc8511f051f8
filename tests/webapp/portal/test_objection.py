"""The objection form: anyone may say a published record is wrong; the issuing
department gets a task to answer it; the contact is never public."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from engine.models import DisclosureObjection, ObjectionStatus, WorkItem, WorkItemStatus
from tests.webapp.conftest import Client
from tests.webapp.portal.conftest import Published

TOKEN = re.compile(r'name="token" value="([^"]+)"')


def _send(public: FlaskClient, ref: str, **values: str):
    form = public.get(f"/public/records/{ref}/objection")
    token = TOKEN.search(form.get_data(as_text=True))
    assert token, "the form carries its signed token"
    return public.post(f"/public/records/{ref}/objection",
                       data={"token": token.group(1), **values})


def test_an_objection_becomes_a_task_of_the_issuing_department(
        app: Flask, public: FlaskClient, published: Published,
        app_sessions: sessionmaker[Session]) -> None:
    sent = _send(public, published.published, name="", contact="lisi@example.com",
                 text="罚款金额有误，决定书写的是三千元。")
    assert sent.status_code == 303
    assert "Set-Cookie" not in sent.headers
    thanks = public.get(sent.headers["Location"])
    assert thanks.status_code == 200 and "lisi@example.com" not in thanks.get_data(as_text=True)
    with app_sessions() as session:
        objection = session.scalars(select(DisclosureObjection)).one()
        assert objection.status == ObjectionStatus.OPEN
        assert objection.contact == "lisi@example.com" and objection.name is None
        item = session.scalars(select(WorkItem).where(
            WorkItem.instance_id == objection.instance_id)).one()
        assert item.status == WorkItemStatus.OPEN
        assert item.form_key == "info_objection_reply"
        assert item.candidate_org_id == objection.source_org_id
    officer = Client(app.test_client())
    officer.login("chen")
    task = officer.get(f"/tasks/{item.id}").get_data(as_text=True)
    assert "罚款金额有误，决定书写的是三千元。" in task and "lisi@example.com" in task


def test_a_bad_objection_keeps_what_was_typed(public: FlaskClient,
                                              published: Published) -> None:
    page = _send(public, published.published, name="王", contact="", text="短")
    html = page.get_data(as_text=True)
    assert page.status_code == 422
    assert 'aria-invalid="true"' in html and ">短</textarea>" in html


def test_without_its_token_nothing_is_recorded(public: FlaskClient, published: Published,
                                               app_sessions: sessionmaker[Session]) -> None:
    page = public.post(f"/public/records/{published.published}/objection",
                       data={"token": "forged", "contact": "x@y.z", "text": "0123456789ab"})
    assert page.status_code == 400
    with app_sessions() as session:
        assert session.scalars(select(DisclosureObjection)).all() == []


def test_a_withdrawn_record_takes_no_objection(public: FlaskClient,
                                               published: Published) -> None:
    assert public.get(f"/public/records/{published.withdrawn}/objection").status_code == 404


def test_too_long_is_refused(public: FlaskClient, published: Published) -> None:
    page = _send(public, published.published, contact="x@y.z", text="长" * 2001)
    assert page.status_code == 422
