"""The audit trail: an append-only chain of events, keyed and anchored outside the database."""

from engine.audit.chain import (
    GENESIS,
    SYSTEM,
    Actor,
    Event,
    committed_head,
    record,
    record_many,
)
from engine.audit.checkpoints import Checkpoint, write_checkpoint
from engine.audit.verify import ChainBreak, ChainReport, verify

__all__ = [
    "GENESIS",
    "SYSTEM",
    "Actor",
    "ChainBreak",
    "ChainReport",
    "Checkpoint",
    "Event",
    "committed_head",
    "record",
    "record_many",
    "verify",
    "write_checkpoint",
]
