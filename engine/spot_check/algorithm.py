"""The draw's algorithm, versioned and pure: a snapshot (bytes) and a seed give one result.

Nothing here reads the database or the clock, so a sealed draw replays anywhere: the
snapshot holds the pool as the filters saw it (sorted ids and attributes), the officers
with their certificates and qualifications, the declared conflicts and the parameters.
Randomness comes from HMAC-SHA256 under the seed in counter mode (`Stream`), turned into
unbiased integers by rejection; the targets are a partial Fisher-Yates shuffle of the
sorted pool, per risk class; officers are dealt round by round from a fresh shuffle, so
their load stays even and pairs change from round to round.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import struct
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction
from typing import Any

from engine.errors import InvalidInput, Refusal

ALGORITHM = "hmac-sha256-ctr-v1"
RECUSAL_ALGORITHM = "hmac-sha256-ctr-recusal-v1"
TWO_64 = 1 << 64
NO_CLASS = "-"  # the stratum of entities without a risk class


class Stream:
    """Deterministic random integers: HMAC-SHA256(seed, label:counter), 4 words a block."""

    def __init__(self, seed: bytes, label: str) -> None:
        self.seed = seed
        self.label = label.encode() + b":"
        self.counter = 0
        self.words: list[int] = []

    def word(self) -> int:
        if not self.words:
            block = hmac.digest(self.seed, self.label + self.counter.to_bytes(8, "big"),
                                "sha256")
            self.counter += 1
            self.words = list(reversed(struct.unpack(">4Q", block)))
        return self.words.pop()

    def below(self, n: int) -> int:
        """An integer in [0, n), each equally likely (rejection, no modulo bias)."""
        limit = TWO_64 - TWO_64 % n
        while True:
            x = self.word()
            if x < limit:
                return x % n

    def sample(self, n: int, k: int) -> list[int]:
        """k distinct indices of range(n), in the order drawn (sparse Fisher-Yates)."""
        swapped: dict[int, int] = {}
        picked = []
        for i in range(k):
            j = i + self.below(n - i)
            picked.append(swapped.get(j, j))
            swapped[j] = swapped.get(i, i)
        return picked

    def shuffled(self, values: list[int]) -> list[int]:
        return [values[i] for i in self.sample(len(values), len(values))]


@dataclass
class Snapshot:
    """What a draw saw. `entities`: (id, industry, area, type, risk, inspections this
    year); `officers`: (id, active, certificate expiry ISO or "", qualification tags);
    `conflicts`: (officer id, entity id); `loads`: officer id → targets already held."""

    algorithm: str
    params: dict[str, Any]
    entities: list[tuple[int, str, str, str, str, int]] = field(default_factory=list)
    officers: list[tuple[int, bool, str, tuple[str, ...]]] = field(default_factory=list)
    conflicts: list[tuple[int, int]] = field(default_factory=list)


def _clean(value: object) -> str:
    return "" if value is None else str(value).replace("\t", " ").replace("\n", " ")


class _Cleaned(dict[object, str]):
    """Attribute values as written in the snapshot, each cleaned once (industries, areas,
    types and risk classes repeat across hundreds of thousands of rows)."""

    def __missing__(self, value: object) -> str:
        self[value] = _clean(value)
        return self[value]


def encode(snapshot: Snapshot) -> bytes:
    """The canonical bytes of a snapshot (rows sorted), whose SHA-256 is the pool hash."""
    lines = [snapshot.algorithm,
             "P\t" + json.dumps(snapshot.params, sort_keys=True, ensure_ascii=False,
                                separators=(",", ":"))]
    c = _Cleaned()
    lines += [f"E\t{i}\t{c[a]}\t{c[b]}\t{c[kind]}\t{c[d]}\t{n}"
              for i, a, b, kind, d, n in sorted(snapshot.entities)]
    lines += [f"O\t{i}\t{int(active)}\t{expires}\t{','.join(sorted(tags))}"
              for i, active, expires, tags in sorted(snapshot.officers)]
    lines += [f"C\t{o}\t{e}" for o, e in sorted(set(snapshot.conflicts))]
    return ("\n".join(lines) + "\n").encode("utf-8")


def decode(data: bytes) -> Snapshot:
    """The snapshot back from its canonical bytes."""
    lines = data.decode("utf-8").split("\n")
    snapshot = Snapshot(lines[0], json.loads(lines[1].split("\t", 1)[1]))
    for line in lines[2:]:
        parts = line.split("\t")
        if parts[0] == "E":
            snapshot.entities.append((int(parts[1]), *parts[2:6], int(parts[6])))  # type: ignore[arg-type]
        elif parts[0] == "O":
            tags = tuple(t for t in parts[4].split(",") if t)
            snapshot.officers.append((int(parts[1]), parts[2] == "1", parts[3], tags))
        elif parts[0] == "C":
            snapshot.conflicts.append((int(parts[1]), int(parts[2])))
    return snapshot


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def result_digest(result: dict[str, Any]) -> str:
    """SHA-256 of the result's canonical JSON."""
    return digest(json.dumps(result, sort_keys=True, separators=(",", ":")).encode())


def run(snapshot: Snapshot, seed: str) -> dict[str, Any]:
    """The result of the snapshot's algorithm under the seed (hex); a Refusal when the
    officers do not suffice."""
    if snapshot.algorithm == ALGORITHM:
        return draw_targets(snapshot, bytes.fromhex(seed))
    if snapshot.algorithm == RECUSAL_ALGORITHM:
        return draw_replacement(snapshot, bytes.fromhex(seed))
    raise InvalidInput(f"unknown draw algorithm {snapshot.algorithm!r}")


def target_count(size: int, ratio: str | None, count: int | None) -> int:
    """How many of `size` to draw: the count (at most the size), else the ratio in percent
    rounded up (3% of 101 is 4)."""
    if count is not None:
        return min(count, size)
    assert ratio is not None
    share = Fraction(ratio) * size / 100
    return min(size, -(-share.numerator // share.denominator))


def draw_targets(snapshot: Snapshot, seed: bytes) -> dict[str, Any]:
    """Targets by risk class (each class at its ratio, or one count over the pool), then
    `per_target` officers each."""
    params = snapshot.params
    cap = params["yearly_cap"]
    pool = [row for row in sorted(snapshot.entities) if cap is None or row[5] < cap]
    strata: dict[str, list[int]] = {}
    if params["count"] is not None:
        strata[""] = [row[0] for row in pool]
    else:
        for row in pool:
            strata.setdefault(row[4] or NO_CLASS, []).append(row[0])
    drawn: list[int] = []
    sizes = {}
    for name in sorted(strata):
        ids = strata[name]
        ratio = params["risk_ratios"].get(name, params["ratio"])
        wanted = target_count(len(ids), ratio, params["count"])
        sizes[name or "all"] = [len(ids), wanted]
        drawn += [ids[i] for i in Stream(seed, f"targets:{name}").sample(len(ids), wanted)]
    officers = eligible_officers(snapshot)
    pairs = deal_officers(seed, drawn, officers, snapshot.conflicts, params["per_target"])
    return {"algorithm": snapshot.algorithm, "pool": len(snapshot.entities),
            "eligible": len(pool), "strata": sizes, "officers": len(officers),
            "targets": [[entity, team] for entity, team in pairs]}


def eligible_officers(snapshot: Snapshot) -> list[int]:
    """Active officers whose certificate is valid on the inspection date and who hold
    every qualification the items need; a Refusal naming the shortfall when fewer than
    `per_target` are."""
    params = snapshot.params
    day, needed = params["inspection_date"], set(params["qualifications"])
    found, inactive, expired, unqualified = [], 0, 0, 0
    for officer_id, active, expires, tags in snapshot.officers:
        if not active:
            inactive += 1
        elif not expires or date.fromisoformat(expires) < date.fromisoformat(day):
            expired += 1
        elif not needed <= set(tags):
            unqualified += 1
        else:
            found.append(officer_id)
    if len(found) < params["per_target"]:
        raise Refusal(
            f"{len(found)} eligible officers, {params['per_target']} needed per target "
            f"({inactive} inactive, {expired} without a certificate valid on {day}, "
            f"{unqualified} without the qualification {', '.join(sorted(needed)) or '-'})",
            code="too_few_officers", eligible=len(found), needed=params["per_target"],
            inactive=inactive, expired=expired, unqualified=unqualified,
            qualifications=sorted(needed), inspection_date=day)
    return sorted(found)


def deal_officers(seed: bytes, targets: Iterable[int], officers: list[int],
                  conflicts: Iterable[tuple[int, int]], per_target: int
                  ) -> list[tuple[int, list[int]]]:
    """Teams of `per_target` officers, dealt in turn from a shuffled round (a new shuffle
    each round); an officer passed over (a conflict with that target, or already on its
    team) keeps their turn for the next target."""
    barred: dict[int, set[int]] = {}
    for officer_id, entity_id in conflicts:
        barred.setdefault(entity_id, set()).add(officer_id)
    known = set(officers)
    queue: deque[int] = deque()
    rounds = 0
    teams = []
    for entity_id in targets:
        bars = barred.get(entity_id, set()) & known
        if len(officers) - len(bars) < per_target:
            raise Refusal(f"entity {entity_id}: {len(officers) - len(bars)} eligible officers "
                          f"without a conflict of interest, {per_target} needed",
                          code="too_few_officers_for_target", entity_id=entity_id,
                          eligible=len(officers) - len(bars), needed=per_target)
        team: list[int] = []
        passed: list[int] = []
        while len(team) < per_target:
            if not queue:
                rounds += 1
                queue.extend(Stream(seed, f"officers:{rounds}").shuffled(officers))
            officer_id = queue.popleft()
            (passed if officer_id in bars or officer_id in team else team).append(officer_id)
        queue.extendleft(reversed(passed))
        teams.append((entity_id, sorted(team)))
    return teams


def draw_replacement(snapshot: Snapshot, seed: bytes) -> dict[str, Any]:
    """One officer in place of a recused one: among the eligible officers not on the team
    and without a conflict with the entity, the least loaded, ties broken at random."""
    params = snapshot.params
    entity_id, team = params["entity_id"], set(params["team"])
    bars = {o for o, e in snapshot.conflicts if e == entity_id} | team | {params["recused"]}
    loads = {int(k): v for k, v in params["loads"].items()}
    candidates = [o for o in eligible_officers_or_empty(snapshot) if o not in bars]
    if not candidates:
        raise Refusal(f"no eligible officer can replace officer {params['recused']} for "
                      f"entity {entity_id}", code="no_replacement_officer",
                      entity_id=entity_id, officer_id=params["recused"])
    order = Stream(seed, "replacement").shuffled(candidates)
    chosen = min(enumerate(order), key=lambda turn: (loads.get(turn[1], 0), turn[0]))[1]
    return {"algorithm": snapshot.algorithm, "entity_id": entity_id,
            "recused": params["recused"], "replacement": chosen,
            "candidates": len(candidates)}


def eligible_officers_or_empty(snapshot: Snapshot) -> list[int]:
    params = {**snapshot.params, "per_target": 0}
    return eligible_officers(Snapshot(snapshot.algorithm, params, [], snapshot.officers, []))
