"""Requests in hand per gunicorn worker, in shared memory the server makes before it
forks its workers (`webapp.gunicorn_worker` reads and writes it; see there why)."""

from __future__ import annotations

import ctypes
import multiprocessing
import os

SLOTS = 64  # workers one server may run at once, replacements included
UNEVEN = 2  # requests in hand beyond the least busy worker that make a worker shed one


class Loads:
    """Requests in hand per worker, in memory the server's workers share."""

    def __init__(self) -> None:
        self.pids = multiprocessing.RawArray(ctypes.c_int, SLOTS)
        self.in_hand = multiprocessing.RawArray(ctypes.c_int, SLOTS)
        self.lock = multiprocessing.Lock()

    def claim(self, pid: int) -> int:
        """A slot for the worker `pid`: a free one, or that of a worker that has ended."""
        with self.lock:
            for slot in range(SLOTS):
                if self.pids[slot] == 0 or not _alive(self.pids[slot]):
                    self.pids[slot], self.in_hand[slot] = pid, 0
                    return slot
        return -1  # more workers than slots: this one publishes nothing and sheds nothing

    def publish(self, slot: int, in_hand: int) -> None:
        if slot >= 0:
            self.in_hand[slot] = in_hand

    def uneven(self, slot: int, in_hand: int) -> bool:
        """Whether the worker of `slot`, with `in_hand` requests, has UNEVEN or more beyond
        the least busy other worker still running."""
        others = [self.in_hand[other] for other in range(SLOTS) if other != slot
                  and self.pids[other] != 0 and _alive(self.pids[other])]
        return slot >= 0 and bool(others) and in_hand - min(others) >= UNEVEN


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
