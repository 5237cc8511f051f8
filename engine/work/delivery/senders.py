"""Sending one message: an e-mail over SMTP, or a text post to a group robot's webhook.

Each send is bounded by `delivery_timeout_seconds` and raises DeliveryError on failure,
with a message for operators that never carries the password or the robot's token.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import smtplib
import ssl
import urllib.error
import urllib.parse
import urllib.request
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from engine import clock
from engine.config import Settings

SECURITY = ("starttls", "ssl", "none")
# The most of a robot's answer that is read: it is a line of JSON.
ANSWER_BYTES = 65536


class DeliveryError(Exception):
    """A message could not be sent. A `permanent` failure (an address the server refuses,
    a robot URL that does not exist) is not retried."""

    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


def send_mail(settings: Settings, recipient: str, subject: str, body: str) -> None:
    """Send one plain-text e-mail through the configured SMTP server."""
    if not settings.smtp_host:
        raise DeliveryError("e-mail is not configured (smtp_host is empty)")
    if settings.smtp_security not in SECURITY:
        raise DeliveryError(f"smtp_security must be one of {', '.join(SECURITY)}",
                            permanent=True)
    message = EmailMessage()
    message["From"] = settings.mail_from
    message["To"] = recipient
    message["Subject"] = subject
    message["Date"] = format_datetime(clock.now())
    message["Message-ID"] = make_msgid(domain=settings.mail_from.rpartition("@")[2] or None)
    message.set_content(body)
    try:
        with _smtp(settings) as client:
            if settings.smtp_user:
                client.login(settings.smtp_user, settings.smtp_password)
            client.send_message(message)
    except smtplib.SMTPRecipientsRefused as exc:
        codes = ", ".join(f"{code} {reply.decode(errors='replace')}"
                          for code, reply in exc.recipients.values())
        raise DeliveryError(f"recipient refused: {codes}", permanent=True) from exc
    except (smtplib.SMTPException, OSError) as exc:
        raise DeliveryError(f"SMTP {settings.smtp_host}:{settings.smtp_port}: "
                            f"{type(exc).__name__}: {exc}") from exc


def _smtp(settings: Settings) -> smtplib.SMTP:
    timeout = settings.delivery_timeout_seconds
    if settings.smtp_security == "ssl":
        return smtplib.SMTP_SSL(settings.smtp_host, settings.smtp_port, timeout=timeout,
                                context=ssl.create_default_context())
    client = smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=timeout)
    if settings.smtp_security == "starttls":
        try:
            client.starttls(context=ssl.create_default_context())
        except BaseException:
            client.close()
            raise
    return client


def post_text(url: str, content: str, *, timeout: float, secret: str = "") -> None:
    """POST {"msgtype": "text", ...} to a group robot (WeCom, DingTalk, or alike).

    With `secret`, the URL is signed as DingTalk robots with 加签 expect. Both robots
    answer 200 with an `errcode`; anything but 0 is a failure.
    """
    if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
        raise DeliveryError("the webhook URL is not http(s)", permanent=True)
    body = json.dumps({"msgtype": "text", "text": {"content": content}}, ensure_ascii=False)
    request = urllib.request.Request(
        signed(url, secret) if secret else url, data=body.encode("utf-8"), method="POST",
        headers={"Content-Type": "application/json; charset=utf-8"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            answer = response.read(ANSWER_BYTES)
    except urllib.error.HTTPError as exc:
        # 4xx but a timeout or "too many requests": the URL or the message is wrong.
        permanent = 400 <= exc.code < 500 and exc.code not in (408, 429)
        raise DeliveryError(f"webhook answered HTTP {exc.code} {exc.reason}",
                            permanent=permanent) from exc
    except urllib.error.URLError as exc:
        raise DeliveryError(f"webhook unreachable: {exc.reason}") from exc
    except OSError as exc:  # a timeout while reading, a reset connection
        raise DeliveryError(f"webhook: {type(exc).__name__}: {exc}") from exc
    _check_answer(answer)


def _check_answer(answer: bytes) -> None:
    try:
        reply = json.loads(answer.decode("utf-8")) if answer.strip() else {}
    except (UnicodeDecodeError, ValueError):
        return  # not a robot's JSON: a 2xx from a plain receiver is success
    if isinstance(reply, dict) and reply.get("errcode", 0) not in (0, "0"):
        raise DeliveryError(f"webhook refused: errcode {reply.get('errcode')}: "
                            f"{reply.get('errmsg', '')}"[:500])


def signed(url: str, secret: str, timestamp_ms: int | None = None) -> str:
    """`url` with DingTalk's timestamp and sign: base64 HMAC-SHA256 of "timestamp\\nsecret"."""
    stamp = str(timestamp_ms if timestamp_ms is not None
                else int(clock.now().timestamp() * 1000))
    digest = hmac.new(secret.encode("utf-8"), f"{stamp}\n{secret}".encode(),
                      hashlib.sha256).digest()
    sign = urllib.parse.quote_plus(base64.b64encode(digest))
    return f"{url}{'&' if '?' in url else '?'}timestamp={stamp}&sign={sign}"
