"""The server's workers share how many requests each has in hand; one with two or more
beyond the least busy running worker hands kept-alive connections back."""

from __future__ import annotations

import os
import subprocess
import sys

from webapp.worker_loads import SLOTS, Loads


def ended_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_a_worker_two_requests_beyond_the_least_busy_one_is_uneven():
    loads = Loads()
    mine, other = loads.claim(os.getpid()), loads.claim(os.getppid())
    assert (mine, other) == (0, 1)
    loads.publish(other, 3)
    assert not loads.uneven(mine, 4)
    assert loads.uneven(mine, 5)
    loads.publish(other, 0)
    assert loads.uneven(mine, 2) and not loads.uneven(mine, 1)


def test_a_lone_worker_is_never_uneven_and_an_ended_one_counts_for_nothing():
    loads = Loads()
    mine = loads.claim(os.getpid())
    assert not loads.uneven(mine, 9)
    gone = loads.claim(ended_pid())
    loads.publish(gone, 0)
    assert not loads.uneven(mine, 9), "an ended worker's stale count"
    # Its slot goes to the next worker.
    assert loads.claim(os.getppid()) == gone


def test_more_workers_than_slots_publish_nothing():
    loads = Loads()
    for _ in range(SLOTS):
        loads.claim(os.getpid())
    slot = loads.claim(os.getppid())
    assert slot == -1 and not loads.uneven(slot, 99)
    loads.publish(slot, 5)  # ignored
    assert list(loads.in_hand) == [0] * SLOTS
