"""Managing people and units in the engine: who may manage whom, one-time passwords, the
last system administrator, moves that carry their subtree, deactivation refused in use."""

from __future__ import annotations

import pytest

from engine.errors import Conflict, Forbidden, InvalidInput, NotFound
from engine.models import OrgKind, Role
from engine.org import people, tree
from engine.org.passwords import verify_password


def officer(world, unit: str = "530502-amr", *roles: Role) -> people.Person:
    return people.Person("新同事", world.units[unit], frozenset(roles or {Role.OFFICER}))


def test_a_department_administrator_manages_only_the_department(session, world):
    zhang = world.actor("zhang")
    names = {u.username for u in people.people(session, zhang)}
    assert {"chen", "yang", "zhang", "zhou", "sun"} <= names and "liu" not in names
    with pytest.raises(NotFound):
        people.person(session, zhang, world.users["liu"].id)
    with pytest.raises(InvalidInput) as refused:
        people.create_person(session, zhang, "boss", officer(world, "530581-amr", Role.SYSADMIN))
    assert refused.value.details["fields"] == {"unit": "outside_department",
                                               "roles": "not_yours_to_give"}
    with pytest.raises(Forbidden):
        people.people(session, world.actor("chen"))


def test_a_new_account_has_a_one_time_password_to_change(session, world):
    user, password = people.create_person(session, world.actor("zhang"), "Xu.Ming",
                                          officer(world, "530502-amr-st"))
    assert user.username == "xu.ming" and user.must_change_password
    assert verify_password(user.password_hash, password) and len(password) == 12
    with pytest.raises(InvalidInput):
        people.create_person(session, world.actor("admin"), "xu.ming", officer(world))


def test_a_reset_ends_the_sessions_and_asks_for_a_new_password(session, world):
    chen = world.users["chen"]
    generation = chen.session_generation
    password = people.reset_password(session, world.actor("admin"), chen)
    assert verify_password(chen.password_hash, password) and chen.must_change_password
    assert chen.session_generation > generation


def test_the_last_system_administrator_stays(session, world):
    admin = world.users["admin"]
    with pytest.raises(Conflict):
        people.update_person(session, world.actor("admin"), admin,
                             people.Person("admin", world.units["city"],
                                           frozenset({Role.AUDITOR})))
    second, _password = people.create_person(session, world.actor("admin"), "admin2",
                                             people.Person("二号", world.units["city"],
                                                           frozenset({Role.SYSADMIN})))
    people.deactivate_person(session, world.actor("admin"), second)
    assert not second.active


def test_a_move_carries_the_subtree_and_a_used_unit_stays_active(session, world):
    amr = world.units["530502-amr"]
    section = tree.add_unit(session, world.actor("admin"), amr, "530502-amr-law", "法规科",
                            OrgKind.SECTION)
    desk = tree.add_unit(session, world.actor("admin"), section, "530502-amr-law-1", "一组",
                         OrgKind.SECTION)
    tree.move_unit(session, world.actor("admin"), section, world.units["530581-amr"])
    assert desk.path == f"{world.units['530581-amr'].path}{section.id}/{desk.id}/"
    assert section.area_code == "530581"
    with pytest.raises(InvalidInput):
        tree.move_unit(session, world.actor("admin"), section, desk)
    with pytest.raises(Conflict):
        tree.deactivate_unit(session, world.actor("admin"), amr)  # chen, yang, zhang work there
    tree.deactivate_unit(session, world.actor("admin"), section)
    assert not section.active and not desk.active
