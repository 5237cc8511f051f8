from __future__ import annotations

import pytest
import time_machine

from tests.engine.credit_lists.helpers import make_list_world
from tests.factories import MONDAY, World


@pytest.fixture
def world(session) -> World:
    with time_machine.travel(MONDAY, tick=False):
        world = make_list_world(session)
        session.commit()
    return world
