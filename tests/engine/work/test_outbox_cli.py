"""The outbox from the command line: addresses and robots set, state shown, failures retried."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from click.testing import CliRunner
from sqlalchemy import select

from engine.cli import main
from engine.config import load_settings
from engine.db import engine_from_settings, session_factory
from engine.models import AuditEvent, NotificationKind, OrgUnit, WorkItem, WorkItemStatus
from engine.work.notifications import notify_people_of
from tests.factories import MONDAY
from tests.servers import Receiver, url_of


@pytest.fixture
def robot() -> Iterator[tuple[Receiver, str]]:
    receiver = Receiver()
    server = receiver.start()
    yield receiver, url_of(server)
    server.shutdown()
    server.server_close()


@pytest.fixture
def run(tmp_path, monkeypatch):
    monkeypatch.setenv("CREDITFLOW_VAR_DIR", str(tmp_path / "var"))
    monkeypatch.delenv("CREDITFLOW_DATABASE_URL", raising=False)
    runner = CliRunner()

    def invoke(*args: str, code: int = 0, input: str | None = None):  # noqa: A002
        result = runner.invoke(main, list(args), catch_exceptions=False, input=input)
        assert result.exit_code == code, result.output
        return result

    with time_machine.travel(MONDAY, tick=False):
        invoke("db", "upgrade")
        invoke("seed", "baoshan")
        invoke("seed", "demo")
        yield invoke


def notify_a_department(var_dir: Path) -> OrgUnit:
    """What a command of the web app would do: tell the people of an open item."""
    settings = load_settings(env={"CREDITFLOW_VAR_DIR": str(var_dir)})
    engine = engine_from_settings(settings)
    with session_factory(engine, settings)() as session:
        item = session.execute(select(WorkItem).where(
            WorkItem.status == WorkItemStatus.OPEN, WorkItem.candidate_org_id.is_not(None))
            .order_by(WorkItem.id).limit(1)).scalar_one()
        assert notify_people_of(session, item, NotificationKind.OVERDUE) > 0
        unit = session.get_one(OrgUnit, item.candidate_org_id)
        session.commit()
    engine.dispose()
    return unit


def test_addresses_and_robots_are_checked(run):
    assert run("user", "email", "officer_longyang", "chen@amr.example.cn").output == (
        "officer_longyang: notifications e-mailed to chen@amr.example.cn\n")
    assert run("user", "email", "officer_longyang").output == "officer_longyang: no e-mail\n"
    refused = run("user", "email", "officer_longyang", "chen at amr", code=1)
    assert "not an e-mail address" in refused.output
    assert "a webhook is an http(s) URL" in run("org", "webhook", "530502-amr",
                                                "file:///etc/passwd", code=1).output
    assert "no org unit" in run("org", "webhook", "nowhere", "https://x.example.cn/", code=1
                                ).output


def test_state_failures_doctor_and_retry(run, robot, tmp_path):
    receiver, url = robot
    unit = notify_a_department(tmp_path / "var")  # no robot yet: nothing queued
    assert run("outbox").output == "pending 0, sent 0, failed 0\n"
    assert "group robot set" in run("org", "webhook", unit.code, url).output
    notify_a_department(tmp_path / "var")
    assert run("outbox").output.startswith("pending 1, sent 0, failed 0\noldest pending since")

    receiver.status = 404
    assert run("outbox", "send", "--once").output.startswith(
        "leased 1, sent 0, retried 0, failed 1")
    listing = run("outbox").output
    assert listing.startswith("pending 0, sent 0, failed 1\n")
    assert f"\twebhook\tunit {unit.id}\t1 attempt(s)\twebhook answered HTTP 404" in listing
    assert "failed to go out" in run("doctor").output

    receiver.status = 200
    assert "give --all" in run("outbox", "retry", code=2).output
    assert run("outbox", "retry", "--all").output == "1 message(s) queued again\n"
    assert run("outbox", "send", "--once").output.startswith("leased 1, sent 1")
    assert run("outbox").output == "pending 0, sent 1, failed 0\n"
    assert "failed to go out" not in run("doctor").output
    assert run("outbox", "purge", "--days", "1").output == "0 sent message(s) deleted\n"
    with time_machine.travel(MONDAY + timedelta(days=2), tick=False):
        assert run("outbox", "purge", "--days", "1").output == "1 sent message(s) deleted\n"
        assert run("outbox").output == "pending 0, sent 0, failed 0\n"
    refused, sent = receiver.posts  # the same message: answered 404, then taken
    assert sent.json == refused.json
    assert sent.json["text"]["content"].startswith("creditflow 【已超期 Overdue】")


def test_secrets_are_refused_in_the_config_file(tmp_path):
    config = tmp_path / "config.toml"
    config.write_text('smtp_host = "mail.example.cn"\nsmtp_password = "hunter2"\n')
    with pytest.raises(ValueError, match="CREDITFLOW_SMTP_PASSWORD"):
        load_settings(config, env={})
    config.write_text('smtp_host = "mail.example.cn"\n')
    settings = load_settings(config, env={"CREDITFLOW_SMTP_PASSWORD": "hunter2"})
    assert settings.smtp_password == "hunter2" and "hunter2" not in repr(settings)


def test_a_test_message_checks_the_settings_at_once(run, robot, monkeypatch):
    receiver, url = robot
    assert "give --to ADDRESS" in run("outbox", "test", code=2).output
    assert "has no group robot" in run("outbox", "test", "--unit", "530502-amr", code=2).output
    refused = run("outbox", "test", "--to", "chen@amr.example.cn", code=1)
    assert "not sent: e-mail is not configured" in refused.output
    monkeypatch.setenv("CREDITFLOW_WEBHOOK_URL", url)
    assert run("outbox", "test", "--robot").output == "sent\n"
    receiver.status = 500
    assert "not sent: webhook answered HTTP 500" in run("outbox", "test", "--robot",
                                                         code=1).output
    assert [p.json["text"]["content"].splitlines()[0] for p in receiver.posts] == [
        "creditflow 测试消息：通知可以送达。"] * 2
    assert run("outbox").output == "pending 0, sent 0, failed 0\n"  # nothing was queued


def test_a_units_signed_robot(run, robot, tmp_path):
    receiver, url = robot
    assert run("org", "webhook", "530502-amr", url, "--signed", input="SEC-unit\n").output \
        .endswith("group robot set, signed\n")
    assert run("outbox", "test", "--unit", "530502-amr").output == "sent\n"
    (post,) = receiver.posts
    assert set(post.query) == {"access_token", "timestamp", "sign"}
    settings = load_settings(env={"CREDITFLOW_VAR_DIR": str(tmp_path / "var")})
    engine = engine_from_settings(settings)
    with session_factory(engine, settings)() as session:
        (summary,) = session.execute(select(AuditEvent.summary).where(
            AuditEvent.action == "org.webhook")).scalars()
    engine.dispose()
    assert summary == {"host": "127.0.0.1", "signed": True}  # neither token nor secret
    assert run("org", "webhook", "530502-amr", url).output.endswith("group robot set\n")
    assert run("outbox", "test", "--unit", "530502-amr").output == "sent\n"
    assert set(receiver.posts[1].query) == {"access_token"}
