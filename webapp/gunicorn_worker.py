"""The production server's worker: gunicorn's threaded worker, which hands a kept-alive
connection back when it is busier than another worker.

A kept-alive connection stays with the worker that accepted it. Connections opened while
the server is idle mostly go to the same worker, and those sessions then queue there
while the other worker idles: of 16 busy sessions on 2 workers, 12 or 13 waited on one.
Each worker publishes how many requests it has in hand (`worker_loads.Loads`, shared
memory made by the server before it forks its workers). A worker with two or more in hand
beyond the least busy worker answers "Connection: close"; the client reconnects by
itself, and the new connection goes to the first worker free to accept it, most often the
less busy one.
Once the load is even, connections are kept alive as before.

Imported by gunicorn only (webapp.server names it): gunicorn does not run on Windows.
"""

from __future__ import annotations

import os
from typing import Any

from gunicorn.workers.gthread import ThreadWorker

from webapp.worker_loads import Loads


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
