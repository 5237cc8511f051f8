"""The draw (双随机): targets and officers at random, sealed before anyone is told.

Sealing writes the draw (seed, algorithm version, the compressed pool snapshot and its
hash, the result and its hash, operator, time) and its audit event in the caller's
transaction; the event's summary carries the seed and both hashes, so the chain vouches
for the row. A task has one standing draw: another is refused until the first is voided
with a reason, and both stay on record. A recusal re-draws one officer the same way.
"""

from __future__ import annotations

import secrets
import zlib
from collections import Counter
from dataclasses import dataclass
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from engine import audit, clock, runtime
from engine.errors import Conflict, Forbidden, InvalidInput, NotFound, Refusal
from engine.models import (
    AuditEvent,
    DrawKind,
    Recusal,
    SpotCheckDraw,
    SpotCheckTarget,
    SpotCheckTask,
)
from engine.spot_check.access import may_replay, require_organiser
from engine.spot_check.algorithm import (
    RECUSAL_ALGORITHM,
    Snapshot,
    decode,
    digest,
    encode,
    result_digest,
    run,
)
from engine.spot_check.snapshot import conflict_rows, officer_rows, parameters, task_snapshot
from engine.spot_check.tasks import get_task, task_units

SEALED = "spot_check.drawn"


def new_seed() -> str:
    """256 bits from the operating system's CSPRNG, as hex."""
    return secrets.token_hex(32)


def _seal(session: Session, actor: audit.Actor, task: SpotCheckTask, kind: DrawKind,
          seed: str, data: bytes, pool_size: int, result: dict[str, Any],
          parent_id: int | None = None) -> SpotCheckDraw:
    draw = SpotCheckDraw(
        task_id=task.id, live_task_id=task.id if kind == DrawKind.TARGETS else None,
        kind=kind, parent_id=parent_id, seed=seed, algorithm=result["algorithm"],
        snapshot=zlib.compress(data, 1), pool_hash=digest(data), pool_size=pool_size,
        result=result, result_hash=result_digest(result), drawn_by=actor.name,
        drawn_at=clock.now())
    number, task_id = task.number, task.id
    try:
        # Another draw of the task committed since we looked: the unique live_task_id
        # refuses this one (the savepoint keeps the caller's transaction usable).
        with session.begin_nested():
            session.add(draw)
    except IntegrityError:
        raise Conflict(f"task {number} already has a standing draw",
                       code="already_drawn", task_id=task_id) from None
    audit.record(session, actor, SEALED, "spot_check_draw", draw.id, task=task.number,
                 kind=kind.value, seed=seed, algorithm=draw.algorithm,
                 pool_hash=draw.pool_hash, result_hash=draw.result_hash,
                 pool_size=pool_size, parent_id=parent_id)
    return draw


def standing_draw(session: Session, task_id: int) -> SpotCheckDraw | None:
    """The task's draw that stands (not voided), if any."""
    return session.execute(select(SpotCheckDraw).where(
        SpotCheckDraw.live_task_id == task_id)).scalar()


def draw_task(session: Session, actor: audit.Actor, task_id: int,
              seed: str | None = None) -> SpotCheckDraw:
    """Draw the task's targets and officers and seal the draw; Conflict when a draw
    stands, a Refusal naming the shortfall when officers do not suffice. `seed` is for
    tests and benchmarks only: the web and the CLI never pass one."""
    task = get_task(session, task_id)
    require_organiser(session, actor, task.organiser_org_id)
    standing = standing_draw(session, task.id)
    if standing is not None:
        raise Conflict(f"task {task.number} was drawn (draw {standing.id}); void it first",
                       code="already_drawn", task_id=task.id, draw_id=standing.id)
    snapshot = task_snapshot(session, task)
    data = encode(snapshot)
    seed = seed or new_seed()
    result = run(snapshot, seed)
    draw = _seal(session, actor, task, DrawKind.TARGETS, seed, data,
                 len(snapshot.entities), result)
    rows = [{"draw_id": draw.id, "task_id": task.id, "entity_id": entity, "year": task.year}
            for entity, _team in result["targets"]]
    if rows:
        session.execute(insert(SpotCheckTarget.__table__), rows)
    return draw


def get_draw(session: Session, draw_id: int) -> SpotCheckDraw:
    draw = session.get(SpotCheckDraw, draw_id)
    if draw is None:
        raise NotFound(f"no draw {draw_id}", code="no_such_draw")
    return draw


def draws_of(session: Session, task_id: int) -> list[SpotCheckDraw]:
    """Every draw of a task, voided ones and recusals included, oldest first."""
    return list(session.execute(select(SpotCheckDraw).where(
        SpotCheckDraw.task_id == task_id).order_by(SpotCheckDraw.id)).scalars())


def void_draw(session: Session, actor: audit.Actor, draw_id: int, reason: str
              ) -> SpotCheckDraw:
    """Void a standing draw that was not yet released, with a reason; it stays on record
    and the task may be drawn again. Audited."""
    draw = get_draw(session, draw_id)
    task = get_task(session, draw.task_id)
    require_organiser(session, actor, task.organiser_org_id)
    if not reason.strip():
        raise InvalidInput("a reason is needed to void a draw", fields={"reason": "required"})
    if draw.kind != DrawKind.TARGETS or draw.voided_at is not None:
        raise Conflict(f"draw {draw.id} does not stand", code="draw_not_standing")
    if draw.released_at is not None:
        raise Conflict(f"draw {draw.id} was released", code="draw_released")
    draw.voided_at, draw.voided_by = clock.now(), actor.name
    draw.void_reason, draw.live_task_id = reason.strip(), None
    audit.record(session, actor, "spot_check.draw_voided", "spot_check_draw", draw.id,
                 task=task.number, reason=draw.void_reason)
    return draw


def mark_released(session: Session, actor: audit.Actor, draw_id: int) -> SpotCheckDraw:
    """Mark a sealed, standing draw released (its people are told from now on). Audited;
    engine.domains.release_draw calls this, then the handlers of DRAW_RELEASED."""
    draw = get_draw(session, draw_id)
    task = get_task(session, draw.task_id)
    require_organiser(session, actor, task.organiser_org_id)
    if draw.kind != DrawKind.TARGETS or draw.voided_at is not None:
        raise Conflict(f"draw {draw.id} does not stand", code="draw_not_standing")
    if draw.released_at is not None:
        raise Conflict(f"draw {draw.id} was released", code="draw_released")
    draw.released_at = clock.now()
    audit.record(session, actor, "spot_check.draw_released", "spot_check_draw", draw.id,
                 task=task.number)
    return draw


def teams(session: Session, draw: SpotCheckDraw) -> dict[int, list[int]]:
    """Entity id → its officers now: the draw's result with the recusals applied."""
    current = {entity: list(team) for entity, team in draw.result["targets"]}
    for recusal in session.execute(select(Recusal).where(
            Recusal.draw_id == draw.id).order_by(Recusal.id)).scalars():
        team = current[recusal.entity_id]
        team[team.index(recusal.officer_id)] = recusal.replacement_id
    return {entity: sorted(team) for entity, team in current.items()}


def recuse_officer(session: Session, actor: audit.Actor, draw_id: int, entity_id: int,
                   officer_id: int, reason: str) -> Recusal:
    """Take an officer off one target (回避, at their request or the organiser's) and draw
    a replacement, sealed like the draw itself."""
    draw = get_draw(session, draw_id)
    task = get_task(session, draw.task_id)
    user = runtime.actor_user(session, actor)
    if user is None or user.id != officer_id:
        require_organiser(session, actor, task.organiser_org_id)
    if draw.kind != DrawKind.TARGETS or draw.voided_at is not None:
        raise Conflict(f"draw {draw.id} does not stand", code="draw_not_standing")
    if not reason.strip():
        raise InvalidInput("a reason is needed", fields={"reason": "required"})
    current = teams(session, draw)
    if officer_id not in current.get(entity_id, []):
        raise InvalidInput("the officer is not on that target's team",
                           fields={"officer_id": "not_on_team"})
    officers = officer_rows(session, [unit.id for unit in task_units(session, task)])
    loads = Counter(o for team in current.values() for o in team)
    params = {"draw_id": draw.id, "entity_id": entity_id, "team": current[entity_id],
              "recused": officer_id, "loads": {str(o): n for o, n in sorted(loads.items())},
              "inspection_date": task.inspection_date.isoformat(), "per_target": 0,
              "qualifications": parameters(session, task)["qualifications"]}
    conflicts = [(o, e) for o, e in conflict_rows(session, [row[0] for row in officers])
                 if e == entity_id]
    snapshot = Snapshot(RECUSAL_ALGORITHM, params, [], officers, conflicts)
    data, seed = encode(snapshot), new_seed()
    result = run(snapshot, seed)
    redraw = _seal(session, actor, task, DrawKind.RECUSAL, seed, data, len(officers),
                   result, parent_id=draw.id)
    recusal = Recusal(draw_id=draw.id, redraw_id=redraw.id, entity_id=entity_id,
                      officer_id=officer_id, replacement_id=result["replacement"],
                      reason=reason.strip(), requested_by=actor.name,
                      requested_at=clock.now())
    session.add(recusal)
    session.flush()
    return recusal


@dataclass(frozen=True)
class Verification:
    """A replay of a sealed draw: what was checked and what did not hold."""

    draw_id: int
    problems: tuple[str, ...]
    replayed_hash: str | None

    @property
    def intact(self) -> bool:
        return not self.problems


def replay(draw: SpotCheckDraw) -> tuple[list[str], dict[str, Any] | None]:
    """Run the sealed snapshot again under the sealed seed: (problems, result)."""
    try:
        data = zlib.decompress(draw.snapshot)
    except zlib.error:
        return ["snapshot_unreadable"], None
    problems = []
    if digest(data) != draw.pool_hash:
        problems.append("snapshot_changed")
    if result_digest(draw.result) != draw.result_hash:
        problems.append("result_changed")
    try:
        replayed = run(decode(data), draw.seed)
    except (Refusal, InvalidInput, ValueError, KeyError):
        return [*problems, "replay_failed"], None
    if result_digest(replayed) != draw.result_hash:
        problems.append("replay_differs")
    return problems, replayed


def verify_draw(session: Session, actor: audit.Actor, draw_id: int) -> Verification:
    """Replay a draw from its sealed record and check it against its seal in the audit
    chain (auditors, administrators and the CLI). The replay is audited."""
    user = runtime.actor_user(session, actor)
    if not may_replay(user):
        raise Forbidden("only auditors and administrators replay draws",
                        code="may_not_replay")
    draw = get_draw(session, draw_id)
    problems, replayed = replay(draw)
    seal = session.execute(select(AuditEvent.summary).where(
        AuditEvent.action == SEALED, AuditEvent.object_type == "spot_check_draw",
        AuditEvent.object_id == str(draw.id))).scalar()
    if seal is None or any(seal.get(key) != getattr(draw, key)
                           for key in ("seed", "pool_hash", "result_hash", "algorithm")):
        problems.append("seal_differs")
    verification = Verification(draw.id, tuple(problems),
                                result_digest(replayed) if replayed is not None else None)
    audit.record(session, actor, "spot_check.draw_verified", "spot_check_draw", draw.id,
                 intact=verification.intact, problems=list(problems))
    return verification
