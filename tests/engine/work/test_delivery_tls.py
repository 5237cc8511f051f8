"""E-mail over TLS (STARTTLS and SMTPS) to a local aiosmtpd with a certificate made here."""

from __future__ import annotations

import shutil
import ssl
import subprocess
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from engine.db import session_factory
from engine.models import DeliveryStatus, NotificationDelivery
from engine.work.delivery.outbox import deliver_due
from tests.engine.work.test_delivery import arrange, urge
from tests.servers import MailServer

pytestmark = pytest.mark.usefixtures("traveller")


@pytest.fixture
def certificate(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> ssl.SSLContext:
    """A self-signed certificate for 127.0.0.1 that the client trusts (SSL_CERT_FILE is
    where OpenSSL looks for trusted certificates); the server's context."""
    if shutil.which("openssl") is None:
        pytest.skip("no openssl command to make a certificate")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-keyout", str(key), "-out", str(cert), "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1"],
                   check=True, capture_output=True)
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    return context


@pytest.mark.parametrize("security", ["starttls", "ssl"])
def test_mail_goes_over_tls(db_engine, settings, certificate, security):
    server = MailServer()
    tls = ({"tls_context": certificate, "require_starttls": True} if security == "starttls"
           else {"ssl_context": certificate})
    controller = Controller(server, hostname="127.0.0.1", port=server.port, **tls)
    controller.start()
    try:
        sessions = session_factory(db_engine, settings.replace(
            smtp_host="127.0.0.1", smtp_port=server.port, smtp_security=security))
        world, item_id = arrange(sessions)
        urge(sessions, world, item_id)
        result = deliver_due(sessions)
    finally:
        controller.stop()
    assert result.sent == 1, result.errors
    assert [m.recipients for m in server.received] == [["chen@amr.example.cn"]]
    with sessions() as session:
        assert session.execute(select(NotificationDelivery.status)).scalar_one() == (
            DeliveryStatus.SENT)


def test_an_untrusted_certificate_is_not_accepted(db_engine, settings, certificate,
                                                  monkeypatch):
    monkeypatch.delenv("SSL_CERT_FILE")
    server = MailServer()
    controller = Controller(server, hostname="127.0.0.1", port=server.port,
                            tls_context=certificate, require_starttls=True)
    controller.start()
    try:
        sessions = session_factory(db_engine, settings.replace(
            smtp_host="127.0.0.1", smtp_port=server.port, smtp_security="starttls"))
        world, item_id = arrange(sessions)
        urge(sessions, world, item_id)
        result = deliver_due(sessions)
    finally:
        controller.stop()
    assert result.retried == 1 and server.received == []
    assert "CERTIFICATE_VERIFY_FAILED" in result.errors[0]
