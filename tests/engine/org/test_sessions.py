"""Session generations: what raises them, and what a refused password change leaves."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from engine.errors import Forbidden, InvalidInput
from engine.models import Role
from engine.org import sessions
from engine.org.passwords import verify_password
from engine.org.units import add_user
from tests.factories import PASSWORD, SETUP, World, make_world


@pytest.fixture
def world(session: Session) -> World:
    world = make_world(session, calendar=False)
    session.commit()
    return world


def test_a_reset_password_ends_the_sessions(session, world):
    chen = world.users["chen"]
    before = chen.session_generation
    add_user(session, SETUP, "chen", "chen", "reset-pass-9", "530502-amr", [Role.OFFICER])
    assert chen.session_generation == before + 1


def test_a_new_password_needs_the_current_one(session, world):
    chen = world.users["chen"]
    before = chen.session_generation
    with pytest.raises(InvalidInput):
        sessions.change_password(session, world.actor("chen"), chen, "not-it", "another-pass-2")
    with pytest.raises(InvalidInput):
        sessions.change_password(session, world.actor("chen"), chen, PASSWORD, "short")
    assert chen.session_generation == before and verify_password(chen.password_hash, PASSWORD)
    assert sessions.change_password(session, world.actor("chen"), chen, PASSWORD,
                                    "another-pass-2") == before + 1


def test_an_administrator_cannot_deactivate_their_own_account(session, world):
    with pytest.raises(Forbidden):
        sessions.deactivate_user(session, world.actor("admin"), world.users["admin"])
    assert world.users["admin"].active
