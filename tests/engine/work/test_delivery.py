"""Delivery of notifications by e-mail and to group robots, against real local servers.

Each test starts its own SMTP server (aiosmtpd) or HTTP receiver on 127.0.0.1. The outbox
is swept by calling the sweep, with the clock moved instead of waiting.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import select as select_module
import socket
import threading
from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from engine import runtime
from engine.config import Settings
from engine.db import session_factory
from engine.models import (
    DeliveryChannel,
    DeliveryStatus,
    NotificationDelivery,
    NotificationKind,
    User,
    WorkItem,
    WorkItemStatus,
)
from engine.org.accounts import set_email
from engine.org.units import org_by_code, set_webhook
from engine.tasks import urge_task
from engine.work.delivery import report
from engine.work.delivery.outbox import deliver_due, lease_due
from engine.work.notifications import notify, notify_people_of
from tests.factories import SETUP, World, case_data, make_entity, make_world
from tests.servers import MailServer, Receiver, free_port, url_of

pytestmark = pytest.mark.usefixtures("traveller")
BACKOFF = 60
STEP = "永昌茶社 · 审查案件 Review the case"  # the entity, then the task's title


@pytest.fixture
def mail() -> Iterator[MailServer]:
    server = MailServer()
    controller = server.start()
    yield server
    controller.stop()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    robot = Receiver()
    server = robot.start()
    robot.url = url_of(server)  # type: ignore[attr-defined]
    yield robot
    server.shutdown()
    server.server_close()


def outbox_sessions(db_engine: Engine, settings: Settings, **changes: object
                    ) -> sessionmaker[Session]:
    defaults = {"smtp_security": "none", "delivery_backoff_seconds": BACKOFF,
                "delivery_max_attempts": 3, "delivery_timeout_seconds": 5.0}
    return session_factory(db_engine, settings.replace(**{**defaults, **changes}))


def arrange(sessions: sessionmaker[Session]) -> tuple[World, int]:
    """The small world, chen's address, a case about 永昌茶社 that chen holds; its item id."""
    with sessions() as session:
        world = make_world(session)
        session.get_one(User, world.users["zhang"].id).display_name = "张科长"
        session.get_one(User, world.users["chen"].id).display_name = "陈明"
        set_email(session, SETUP, world.users["chen"], "chen@amr.example.cn")
        entity = make_entity(session, name="永昌茶社")
        instance = runtime.start_process(session, SETUP, "sample_review",
                                         data=case_data("530502"), area_code="530502",
                                         entity_id=entity.id)
        item = session.execute(select(WorkItem).where(
            WorkItem.instance_id == instance.id,
            WorkItem.status == WorkItemStatus.OPEN)).scalar_one()
        runtime.claim(session, world.actor("chen"), item.id)
        session.commit()
        return world, item.id


def urge(sessions: sessionmaker[Session], world: World, item_id: int) -> None:
    with sessions() as session:
        urge_task(session, world.actor("zhang"), item_id, note="请今天办结")
        session.commit()


def deliveries(sessions: sessionmaker[Session]) -> list[NotificationDelivery]:
    with sessions() as session:
        return list(session.execute(
            select(NotificationDelivery).order_by(NotificationDelivery.id)).scalars())


def test_an_urge_is_mailed_to_the_holder_naming_the_entity_step_and_person(
        db_engine, settings, mail):
    sessions = outbox_sessions(db_engine, settings, smtp_host="127.0.0.1",
                               smtp_port=mail.port, mail_from="xyjg@baoshan.example.cn",
                               base_url="https://xyjg.example.cn/")
    world, item_id = arrange(sessions)
    urge(sessions, world, item_id)
    assert mail.received == []  # queued, not sent by the urge

    result = deliver_due(sessions)

    assert (result.sent, result.retried, result.failed) == (1, 0, 0)
    (got,) = mail.received
    assert got.recipients == ["chen@amr.example.cn"]
    assert got.sender == "xyjg@baoshan.example.cn"
    assert got.message["Subject"] == f"【催办 Urged】{STEP}"
    body = got.body
    assert body.startswith("陈明，您好：")
    assert f"催办：{STEP}" in body and "发起人：张科长" in body
    assert "附言：请今天办结" in body
    assert f"Urged: {STEP}" in body and "By: 张科长" in body
    assert f"https://xyjg.example.cn/tasks/{item_id}" in body
    (row,) = deliveries(sessions)
    assert (row.status, row.attempts, row.last_error) == (DeliveryStatus.SENT, 1, None)
    assert deliver_due(sessions).leased == 0
    assert len(mail.received) == 1


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS:UserWarning")
def test_mail_is_sent_with_the_configured_login(db_engine, settings, traveller):
    server = MailServer(login=("xyjg", "from-the-environment"))
    controller = server.start()
    try:
        wrong = outbox_sessions(db_engine, settings, smtp_host="127.0.0.1",
                                smtp_port=server.port, smtp_user="xyjg", smtp_password="x")
        world, item_id = arrange(wrong)
        urge(wrong, world, item_id)
        assert deliver_due(wrong).retried == 1
        assert "SMTPAuthenticationError" in (deliveries(wrong)[0].last_error or "")
        right = outbox_sessions(db_engine, settings, smtp_host="127.0.0.1",
                                smtp_port=server.port, smtp_user="xyjg",
                                smtp_password="from-the-environment")
        traveller.shift(timedelta(seconds=BACKOFF))
        assert deliver_due(right).sent == 1
    finally:
        controller.stop()
    assert [m.recipients for m in server.received] == [["chen@amr.example.cn"]]


def test_people_without_an_address_get_no_mail(db_engine, settings, mail):
    sessions = outbox_sessions(db_engine, settings, smtp_host="127.0.0.1",
                               smtp_port=mail.port)
    world, item_id = arrange(sessions)
    with sessions() as session:
        set_email(session, SETUP, session.get_one(User, world.users["chen"].id), None)
        session.commit()
    urge(sessions, world, item_id)
    assert deliveries(sessions) == []


def test_nothing_is_queued_when_no_channel_is_configured(db_engine, settings):
    sessions = outbox_sessions(db_engine, settings)  # no smtp_host, no webhook_url
    world, item_id = arrange(sessions)
    urge(sessions, world, item_id)
    assert deliveries(sessions) == []


def test_a_request_that_notifies_does_not_wait_on_the_mail_server(db_engine, settings):
    """A server that takes connections but never answers: the urge commits without ever
    connecting; only the sweep connects, and it gives up after the timeout."""
    with socket.socket() as stalled:
        stalled.bind(("127.0.0.1", 0))
        stalled.listen(8)
        sessions = outbox_sessions(db_engine, settings, smtp_host="127.0.0.1",
                                   smtp_port=stalled.getsockname()[1],
                                   delivery_timeout_seconds=0.3)
        world, item_id = arrange(sessions)
        urge(sessions, world, item_id)
        waiting, _, _ = select_module.select([stalled], [], [], 0)
        assert waiting == []  # nobody knocked
        (row,) = deliveries(sessions)
        assert (row.status, row.attempts) == (DeliveryStatus.PENDING, 0)

        result = deliver_due(sessions)
        assert select_module.select([stalled], [], [], 0)[0] == [stalled]
    assert result.retried == 1
    (row,) = deliveries(sessions)
    assert row.status == DeliveryStatus.PENDING and row.attempts == 1
    assert "timed out" in (row.last_error or "")


def test_a_down_server_is_retried_with_backoff_then_failed_then_retried_by_hand(
        db_engine, settings, traveller):
    port = free_port()  # nothing listens here yet
    sessions = outbox_sessions(db_engine, settings, smtp_host="127.0.0.1", smtp_port=port)
    world, item_id = arrange(sessions)
    urge(sessions, world, item_id)

    first = deliver_due(sessions)
    assert (first.leased, first.retried) == (1, 1)
    (row,) = deliveries(sessions)
    assert row.attempts == 1 and "ConnectionRefusedError" in (row.last_error or "")
    assert deliver_due(sessions).leased == 0  # not before its backoff
    traveller.shift(timedelta(seconds=BACKOFF - 1))
    assert deliver_due(sessions).leased == 0
    traveller.shift(timedelta(seconds=1))
    assert deliver_due(sessions).retried == 1
    traveller.shift(timedelta(seconds=2 * BACKOFF - 1))  # the delay doubled
    assert deliver_due(sessions).leased == 0
    traveller.shift(timedelta(seconds=1))
    assert deliver_due(sessions).failed == 1  # the third of three attempts

    (row,) = deliveries(sessions)
    assert (row.status, row.attempts) == (DeliveryStatus.FAILED, 3)
    assert "ConnectionRefusedError" in (row.last_error or "")
    traveller.shift(timedelta(days=1))
    assert deliver_due(sessions).leased == 0  # failed for good
    with sessions() as session:
        state = report.outbox_state(session)
        assert state.counts[DeliveryStatus.FAILED] == 1 and state.failures[0].id == row.id

    server = MailServer(port=port)
    controller = server.start()
    try:
        with sessions() as session:
            assert report.retry_failed(session, SETUP) == 1
            session.commit()
        assert deliver_due(sessions).sent == 1
    finally:
        controller.stop()
    assert [m.recipients for m in server.received] == [["chen@amr.example.cn"]]


def test_a_units_robot_gets_one_post_naming_everyone_told(db_engine, settings, receiver):
    global_robot = Receiver()
    global_server = global_robot.start()
    try:
        sessions = outbox_sessions(db_engine, settings, webhook_url=url_of(global_server))
        world, item_id = arrange(sessions)
        with sessions() as session:
            set_webhook(session, SETUP, org_by_code(session, "530502-amr"), receiver.url)
            item = session.get_one(WorkItem, item_id)
            runtime.release(session, world.actor("chen"), item_id)
            session.flush()
            told = notify_people_of(session, item, NotificationKind.OVERDUE)
            session.commit()
        result = deliver_due(sessions)
    finally:
        global_server.shutdown()
        global_server.server_close()
    assert told == 3  # chen, yang and zhang of the department
    assert result.sent == 2  # the department's robot and the global one, no e-mail
    (post,) = receiver.posts
    assert post.path == "/robot/send" and post.query == {"access_token": ["t0k3n"]}
    assert post.headers["Content-Type"].startswith("application/json")
    assert post.json["msgtype"] == "text"
    content = post.json["text"]["content"]
    assert content.startswith(f"creditflow 【已超期 Overdue】{STEP}\n")
    assert "接收人 To: 陈明、yang、张科长" in content
    assert [p.json["text"]["content"] for p in global_robot.posts] == [content]
    assert {d.channel for d in deliveries(sessions)} == {DeliveryChannel.WEBHOOK}


def test_a_robot_that_refuses_is_retried_and_a_wrong_url_fails_at_once(
        db_engine, settings, receiver, traveller):
    receiver.answer = {"errcode": 130101, "errmsg": "send too fast"}
    sessions = outbox_sessions(db_engine, settings, webhook_url=receiver.url)
    world, item_id = arrange(sessions)
    urge(sessions, world, item_id)
    assert deliver_due(sessions).retried == 1
    (row,) = deliveries(sessions)
    assert row.last_error == "webhook refused: errcode 130101: send too fast"

    receiver.status = 404
    traveller.shift(timedelta(seconds=BACKOFF))
    assert deliver_due(sessions).failed == 1
    (row,) = deliveries(sessions)
    assert (row.status, row.attempts) == (DeliveryStatus.FAILED, 2)
    assert row.last_error == "webhook answered HTTP 404 Not Found"
    assert "t0k3n" not in row.last_error


def test_a_signed_post_carries_dingtalks_timestamp_and_signature(db_engine, settings,
                                                                  receiver):
    secret = "SEC-test-only"
    sessions = outbox_sessions(db_engine, settings, webhook_url=receiver.url,
                               webhook_secret=secret)
    world, item_id = arrange(sessions)
    urge(sessions, world, item_id)
    assert deliver_due(sessions).sent == 1
    (post,) = receiver.posts
    (stamp,), (sign,) = post.query["timestamp"], post.query["sign"]
    digest = hmac.new(secret.encode(), f"{stamp}\n{secret}".encode(), hashlib.sha256).digest()
    assert sign == base64.b64encode(digest).decode()
    assert post.query["access_token"] == ["t0k3n"]


def test_two_sweepers_lease_disjoint_messages(db_engine, settings, traveller):
    sessions = outbox_sessions(db_engine, settings, smtp_host="127.0.0.1",
                               smtp_port=free_port())
    world, item_id = arrange(sessions)
    with sessions() as session:
        for name in ("yang", "zhang"):
            set_email(session, SETUP, session.get_one(User, world.users[name].id),
                      f"{name}@amr.example.cn")
        item = session.get_one(WorkItem, item_id)
        runtime.release(session, world.actor("chen"), item_id)
        session.flush()
        notify_people_of(session, item, NotificationKind.ESCALATED)
        session.commit()
    with sessions() as one:
        mine = lease_due(one, "one", 2, 120)
        one.commit()
    with sessions() as two:
        theirs = lease_due(two, "two", 10, 120)
        two.commit()
    assert len(mine) == 2 and len(theirs) == 1 and not set(mine) & set(theirs)
    with sessions() as three:
        assert lease_due(three, "three", 10, 120) == []
        traveller.shift(timedelta(seconds=121))  # the leases ran out
        assert len(lease_due(three, "three", 10, 120)) == 3


def test_two_schedulers_at_once_send_each_message_once(db_engine, settings, receiver):
    sessions = outbox_sessions(db_engine, settings, webhook_url=receiver.url)
    world, item_id = arrange(sessions)
    with sessions() as session:
        item = session.get_one(WorkItem, item_id)
        for n in range(24):
            notify(session, world.users["chen"].id, NotificationKind.URGED, item,
                   note=f"第{n}次")
        session.commit()
    results: dict[str, list[int]] = {"a": [], "b": []}

    def scheduler(name: str) -> None:
        while (result := deliver_due(sessions, worker=name, limit=3)).leased:
            results[name].append(result.sent)

    threads = [threading.Thread(target=scheduler, args=(name,)) for name in results]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    notes = sorted(p.json["text"]["content"].split("附言 Note: ")[1].split("\n")[0]
                   for p in receiver.posts)
    assert notes == sorted(f"第{n}次" for n in range(24))  # each once, none twice
    assert sum(results["a"]) + sum(results["b"]) == 24
    assert {d.status for d in deliveries(sessions)} == {DeliveryStatus.SENT}
