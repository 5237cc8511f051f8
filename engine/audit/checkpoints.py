"""The chain's key and its anchors outside the database: signed checkpoints in the var folder.

A checkpoint says "the chain held this many events, the last one hashing to this,
at this time", signed with the chain's key. Whoever can write to the database but
not to the var folder (or to the syslog receiver) cannot cut events from the end
of the chain, or rewrite it, without a checkpoint giving them away.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import json
import logging
import socket
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from engine import clock
from engine.config import Settings, generated_secret

log = logging.getLogger(__name__)
# Syslog priority: facility "authpriv" (10), severity "info" (6).
SYSLOG_PRIORITY = 10 * 8 + 6


def key_file(settings: Settings) -> Path:
    return settings.var_dir / "audit_key"


def checkpoint_file(settings: Settings) -> Path:
    return settings.var_dir / "audit_checkpoints"


def chain_key(settings: Settings, create: bool = True) -> bytes | None:
    """The HMAC key: CREDITFLOW_AUDIT_KEY, else the var folder's key file.

    Writers make the file on first use; `verify` does not (create=False), so a
    lost key is reported rather than silently replaced.
    """
    if settings.audit_key:
        return settings.audit_key.encode("utf-8")
    path = key_file(settings)
    if not create and not path.exists():
        return None
    return _key_in(path)


@functools.lru_cache(maxsize=8)
def _key_in(path: Path) -> bytes:
    # Read once per process: every command appends events, and a key file removed
    # while the platform runs must not be replaced by another key.
    return generated_secret(path).encode("utf-8")


def sign(key: bytes, *parts: object) -> str:
    """HMAC-SHA256 of the parts in canonical JSON, as 64 hex digits."""
    body = json.dumps(parts, ensure_ascii=False, sort_keys=True, separators=(",", ":"),
                      default=str)
    return hmac.new(key, body.encode("utf-8"), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Checkpoint:
    """The chain as it stood: `count` events, the last one hashing to `head`."""

    count: int
    head: str
    at: str  # ISO time, UTC
    line: int = 0  # where it stands in the checkpoint file, from 1

    def signature(self, key: bytes) -> str:
        return sign(key, "checkpoint", self.count, self.head, self.at)

    def to_line(self, key: bytes) -> str:
        return json.dumps({"count": self.count, "head": self.head, "at": self.at,
                           "mac": self.signature(key)}, separators=(",", ":"))


def write_checkpoint(settings: Settings, count: int, head: str) -> Checkpoint:
    """Append a signed checkpoint of committed state; log it and send it to syslog.

    One short write in append mode per checkpoint: processes that checkpoint at
    the same time add whole lines, never interleaved ones.
    """
    key = chain_key(settings)
    assert key is not None
    checkpoint = Checkpoint(count, head, clock.as_utc(clock.now()).isoformat())
    text = checkpoint.to_line(key)
    path = checkpoint_file(settings)
    if not path.parent.exists():
        path.parent.mkdir(parents=True)
    with path.open("a", encoding="utf-8") as out:
        out.write(text + "\n")
    log.info("audit checkpoint %s", text)
    if settings.audit_syslog_address:
        send_to_syslog(settings.audit_syslog_address, text)
    return checkpoint


def send_to_syslog(address: str, text: str) -> None:
    """One datagram to a syslog receiver; a receiver that is down loses it, never the caller."""
    host, _, port = address.rpartition(":")
    message = f"<{SYSLOG_PRIORITY}>creditflow-audit: {text}".encode()
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
            udp.sendto(message, (host or "127.0.0.1", int(port)))
    except (OSError, ValueError):
        log.exception("audit checkpoint not sent to syslog at %s", address)


class CheckpointAltered(Exception):
    """A line of the checkpoint file that its signature does not cover."""

    def __init__(self, line: int) -> None:
        super().__init__(f"line {line}")
        self.line = line


def read_checkpoints(settings: Settings, key: bytes) -> Iterator[Checkpoint]:
    """The checkpoints of the file in order, each one's signature checked.

    Raises CheckpointAltered at the first line that is not a checkpoint we signed.
    """
    with checkpoint_file(settings).open(encoding="utf-8") as lines:
        for number, text in enumerate(lines, start=1):
            try:
                fields = json.loads(text)
                checkpoint = Checkpoint(int(fields["count"]), str(fields["head"]),
                                        str(fields["at"]), number)
                signed = hmac.compare_digest(checkpoint.signature(key), str(fields["mac"]))
            except (ValueError, KeyError, TypeError):
                signed = False
            if not signed:
                raise CheckpointAltered(number)
            yield checkpoint


def describe(checkpoint: Checkpoint) -> str:
    """How a message names a checkpoint: its line and its time."""
    at = datetime.fromisoformat(checkpoint.at)
    return f"the checkpoint of {at:%Y-%m-%d %H:%M:%S} UTC (line {checkpoint.line})"
