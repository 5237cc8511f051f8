"""Dual-notice tests run in the notice world: Baoshan's member departments and the diagram."""

import pytest

from tests.factories import World


@pytest.fixture
def world(notice_world: World) -> World:
    return notice_world
