"""Real local servers for delivery tests: an SMTP server (aiosmtpd) and an HTTP receiver."""

from __future__ import annotations

import json
import socket
import threading
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session


def free_port() -> int:
    """A port nothing listens on (the OS just handed it out and took it back)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Mail:
    sender: str
    recipients: list[str]
    message: EmailMessage

    @property
    def body(self) -> str:
        part = self.message.get_body(("plain",))
        assert part is not None
        return part.get_content()


@dataclass
class MailServer:
    """aiosmtpd on 127.0.0.1, collecting what it is sent."""

    port: int = field(default_factory=free_port)
    received: list[Mail] = field(default_factory=list)
    # With a login, mail is taken only after AUTH with it (over plain TCP: a test server).
    login: tuple[str, str] | None = None

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        content = envelope.original_content or b""
        message = message_from_bytes(content, policy=policy.default)
        assert isinstance(message, EmailMessage)
        self.received.append(Mail(envelope.mail_from or "", list(envelope.rcpt_tos), message))
        return "250 OK"

    def authenticate(self, server: SMTP, session: Session, envelope: Envelope,
                     mechanism: str, data: object) -> AuthResult:
        given = ((data.login or b"").decode(), (data.password or b"").decode()) if isinstance(
            data, LoginPassword) else None
        return AuthResult(success=given == self.login, handled=False)

    def start(self) -> Controller:
        auth = {"authenticator": self.authenticate, "auth_required": True,
                "auth_require_tls": False} if self.login else {}
        controller = Controller(self, hostname="127.0.0.1", port=self.port, **auth)
        controller.start()
        return controller


@dataclass
class Post:
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    json: Any


@dataclass
class Receiver:
    """An HTTP server on 127.0.0.1 that records each POST and answers as told."""

    status: int = 200
    answer: dict[str, Any] = field(default_factory=lambda: {"errcode": 0, "errmsg": "ok"})
    posts: list[Post] = field(default_factory=list)

    def start(self) -> ThreadingHTTPServer:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (the name http.server calls)
                length = int(self.headers.get("Content-Length", "0"))
                body = json.loads(self.rfile.read(length).decode("utf-8"))
                parts = urlsplit(self.path)
                receiver.posts.append(Post(parts.path, parse_qs(parts.query),
                                           dict(self.headers.items()), body))
                reply = json.dumps(receiver.answer).encode("utf-8")
                self.send_response(receiver.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=server.serve_forever, daemon=True, name="receiver").start()
        return server


def url_of(server: ThreadingHTTPServer, path: str = "/robot/send?access_token=t0k3n") -> str:
    host, port = server.server_address[:2]
    return f"http://{host}:{port}{path}"
