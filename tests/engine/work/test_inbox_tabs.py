"""The inbox's tabs are built of disjoint branches (held, shared, pool) that are counted
apart and merged page by page: the counts and pages must be what one condition per tab
would give, on both databases."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest
import time_machine
from sqlalchemy import insert
from sqlalchemy.orm import Session

from engine import clock
from engine.calendar import calendar_for
from engine.db import settings_of
from engine.models import User, WorkItem, WorkItemShare, WorkItemStatus
from engine.runtime.deploy import deploy_paths
from engine.work.inbox import (
    TABS,
    InboxFilter,
    candidate_roles,
    candidate_units,
    due_soon_limit,
    inbox_page,
    load_inbox,
    process_choices,
)
from tests.factories import MONDAY, PROJECT_DIR, SETUP, World, start_sample


@dataclass
class Item:
    id: int
    unit: int | None
    role: str | None
    assignee: int | None
    status: str
    due: datetime | None
    area: str
    shared_with: tuple[int, ...]
    completed_by: int | None
    completed: datetime | None


def make_items(session: Session, world: World, count: int = 160, seed: int = 3) -> list[Item]:
    """Open, completed, held, pooled and shared items over the units and people of the
    world, due over a month around now or not at all; many due at the same moment."""
    rng = random.Random(seed)
    instance = start_sample(session)
    now = clock.now()
    units = [world.units[name].id for name in (
        "530502-amr", "530502-amr-st", "530502", "city", "530581-amr", "530502-amr-reg")]
    people = [world.users[name].id for name in ("chen", "yang", "sun", "liu", "zhou")]
    moments = [now + timedelta(hours=rng.randint(-20 * 24, 20 * 24)) for _ in range(12)]
    rows, shares = [], []
    for n in range(count):
        status = WorkItemStatus.OPEN if rng.random() < 0.85 else WorkItemStatus.COMPLETED
        assignee = rng.choice(people) if rng.random() < 0.45 else None
        if status == WorkItemStatus.COMPLETED and assignee is None:
            assignee = rng.choice(people)
        unit = rng.choice(units)
        rows.append(dict(
            instance_id=instance.id, task_id=f"t{n}", task_name="review", title=f"审查 {n}",
            process_key="sample_review", lane="department", candidate_org_id=unit,
            candidate_role=rng.choice(("officer", "officer", "officer", "dept_admin")),
            assignee_id=assignee, status=status, priority=2, form_key="sample_review",
            area_code="530581" if unit == units[4] else "530502",
            created_at=now - timedelta(days=30),
            due_at=None if rng.random() < 0.15 else rng.choice(moments),
            completed_by_id=assignee if status == WorkItemStatus.COMPLETED else None,
            completed_at=now - timedelta(days=rng.randint(0, 45))
            if status == WorkItemStatus.COMPLETED else None))
    session.execute(insert(WorkItem), rows)
    made = session.query(WorkItem).filter(WorkItem.task_id.like("t%")).all()
    for item in made:
        if rng.random() < 0.12:  # a drawn pair's step, held by one of them or by nobody
            pair = rng.sample(people[:3], 2)
            shares += [dict(work_item_id=item.id, user_id=user_id) for user_id in pair]
    if shares:
        session.execute(insert(WorkItemShare), shares)
    session.flush()
    shared: dict[int, list[int]] = {}
    for share in shares:
        shared.setdefault(share["work_item_id"], []).append(share["user_id"])
    found = session.query(WorkItem).all()  # the sample case's own first step too
    return [Item(i.id, i.candidate_org_id, i.candidate_role, i.assignee_id, i.status, i.due_at,
                 i.area_code, tuple(shared.get(i.id, ())), i.completed_by_id, i.completed_at)
            for i in found]


def expected(user: User, items: list[Item], watched_areas: set[str] | None,
             limit: datetime) -> dict[str, list[int]]:
    """Every tab's items, in the inbox's order, from one plain condition per tab."""
    now = clock.now()
    units, roles = set(candidate_units(user)), set(candidate_roles(user))

    def mine(i: Item) -> bool:
        return i.status == WorkItemStatus.OPEN and (
            i.assignee == user.id or user.id in i.shared_with)

    def claimable(i: Item) -> bool:
        return (i.status == WorkItemStatus.OPEN and i.assignee is None and i.unit in units
                and i.role in roles)

    def overdue(i: Item) -> bool:
        if watched_areas is not None:
            return i.status == WorkItemStatus.OPEN and i.due is not None and i.due < now \
                and i.area in watched_areas
        return (mine(i) or claimable(i)) and i.due is not None and i.due < now

    tabs = {
        "mine": mine, "claimable": claimable, "overdue": overdue,
        "due_soon": lambda i: (mine(i) or claimable(i)) and i.due is not None
        and now <= i.due <= limit,
        "done": lambda i: i.assignee == user.id and i.completed_by == user.id
        and i.status == WorkItemStatus.COMPLETED
        and i.completed is not None and i.completed >= now - timedelta(days=30)}
    found = {}
    for tab, test in tabs.items():
        chosen = [i for i in items if test(i)]
        if tab == "done":
            chosen.sort(key=lambda i: (i.completed, i.id), reverse=True)
        else:
            chosen.sort(key=lambda i: (i.due is None, i.due or now, i.id))
        found[tab] = [i.id for i in chosen]
    return found


@pytest.mark.parametrize("who, areas", [("chen", None), ("sun", None), ("wang", {"530502"}),
                                        ("liu", None)])
def test_counts_and_every_page_are_those_of_one_condition_per_tab(session, world, who, areas):
    with time_machine.travel(MONDAY, tick=False):
        items = make_items(session, world)
        user = world.users[who]
        calendar = calendar_for(session, settings_of(session), user.org_unit.area_code)
        want = expected(user, items, areas,
                        due_soon_limit(calendar))
        first = load_inbox(session, user, "mine", calendar, per_page=7)
        assert first.counts == {tab: len(want[tab]) for tab in TABS}
        assert sum(first.counts.values()) > 0
        for tab in TABS:
            seen: list[int] = []
            pages = max(1, -(-len(want[tab]) // 7))
            for number in range(1, pages + 1):
                page = inbox_page(session, user, tab, calendar, page=number, per_page=7)
                assert page.total == len(want[tab]) and page.page == number
                seen += [row.item.id for row in page.rows]
            assert seen == want[tab], tab


def test_a_shared_step_in_the_pool_is_counted_once(session, world):
    """A drawn pair's step that nobody holds yet is the officer's own (shared) and in his
    pool: due soon and overdue list it once."""
    with time_machine.travel(MONDAY, tick=False):
        chen = world.users["chen"]
        instance = start_sample(session)
        now = clock.now()
        session.execute(insert(WorkItem), [dict(
            instance_id=instance.id, task_id=f"s{n}", task_name="inspect", title="检查",
            process_key="sample_review", lane="department", status=WorkItemStatus.OPEN,
            candidate_org_id=world.units["530502-amr"].id, candidate_role="officer",
            priority=2, area_code="530502", created_at=now, due_at=now + timedelta(days=due))
            for n, due in enumerate((-2, 1))])
        shared = session.query(WorkItem).filter(WorkItem.task_id.like("s%")).all()
        session.execute(insert(WorkItemShare), [dict(work_item_id=i.id, user_id=chen.id)
                                                for i in shared])
        calendar = calendar_for(session, settings_of(session), "530502")
        page = load_inbox(session, chen, "overdue", calendar)
        own = {i.id for i in session.query(WorkItem).filter(
            WorkItem.status == WorkItemStatus.OPEN, WorkItem.candidate_role == "officer",
            WorkItem.assignee_id.is_(None)).all()}
        assert page.counts["mine"] == 2 and page.counts["claimable"] == len(own)
        assert page.counts["overdue"] == 1 and page.counts["due_soon"] == 1
        assert [row.item.id for row in page.rows] == [shared[0].id]


def test_a_filter_narrows_every_branch(session, world):
    with time_machine.travel(MONDAY, tick=False):
        items = make_items(session, world)
        chen = world.users["chen"]
        calendar = calendar_for(session, settings_of(session), "530502")
        want = expected(chen, items, None, due_soon_limit(calendar))
        titles = {i.id: i for i in session.query(WorkItem).all()}
        page = inbox_page(session, chen, "mine", calendar, InboxFilter(priority=2), per_page=500)
        assert [row.item.id for row in page.rows] == want["mine"]
        assert inbox_page(session, chen, "mine", calendar, InboxFilter(priority=1)).total == 0
        assert all(titles[row.item.id].priority == 2 for row in page.rows)


def test_the_process_filter_lists_a_newly_deployed_process_at_once(session, world):
    """The filter's list is kept for a minute per server process; deploying forgets it."""
    assert [key for key, _name in process_choices(session)] == ["sample_review"]
    deploy_paths(session, SETUP, [PROJECT_DIR / "bpmn" / "unlicensed_case.bpmn"])
    assert [key for key, _name in process_choices(session)] == [
        "sample_review", "unlicensed_case"]
