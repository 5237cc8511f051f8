"""The production server's worker: gunicorn's threaded worker, which hands a kept-alive
connection back when it is busier than another worker.

A kept-alive connection stays with the worker that accepted it. Connections opened while
the server is idle mostly go to the same worker, and those sessions then queue there
while the other worker idles: of 16 busy sessions on 2 workers, 12 or 13 waited on one.
Each worker publishes how many requests it has in hand (`Loads`, shared memory made by
the server before it forks its workers). A worker with two or more in hand beyond the
least busy worker answers "Connection: close"; the client reconnects by itself, and the
new connection goes to the first worker free to accept it, most often the less busy one.
Once the load is even, connections are kept alive as before.

Imported by gunicorn only (webapp.server names it): gunicorn does not run on Windows.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
from typing import Any

from gunicorn.workers.gthread import ThreadWorker

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


class BalancingThreadWorker(ThreadWorker):  # type: ignore[misc]
    def init_process(self) -> None:
        self.loads: Loads = getattr(self.app, "loads", None) or Loads()
        self.slot = self.loads.claim(os.getpid())
        self.in_hand = 0  # requests given to the threads and not finished
        super().init_process()

    def enqueue_req(self, conn: Any) -> None:
        self.in_hand += 1
        self.loads.publish(self.slot, self.in_hand)
        super().enqueue_req(conn)

    def finish_request(self, conn: Any, fs: Any) -> None:
        self.in_hand -= 1
        self.loads.publish(self.slot, self.in_hand)
        super().finish_request(conn, fs)

    def handle_request(self, req: Any, conn: Any) -> bool:
        if self.loads.uneven(self.slot, self.in_hand):
            req.must_close = True  # the response says "Connection: close"
        return bool(super().handle_request(req, conn))
