"""The draw's algorithm on its own: rounding, uniformity, even spread, stable bytes."""

from __future__ import annotations

import random
from collections import Counter

import pytest

from engine.errors import Refusal
from engine.spot_check.algorithm import (
    ALGORITHM,
    Snapshot,
    Stream,
    deal_officers,
    decode,
    digest,
    encode,
    run,
    target_count,
)

# χ² critical value for 19 degrees of freedom at p = 0.001.
CHI2_19_P001 = 43.82


def snapshot(entities: int = 20, officers: int = 10, **params: object) -> Snapshot:
    base = {"ratio": None, "count": 2, "risk_ratios": {}, "yearly_cap": 2, "per_target": 2,
            "inspection_date": "2026-03-16", "qualifications": ["食品"]}
    base.update(params)
    return Snapshot(
        ALGORITHM, base,
        [(i, "F5211", "530502", "有限责任公司", "", 0) for i in range(1, entities + 1)],
        [(1000 + i, True, "2027-12-31", ("食品",)) for i in range(officers)], [])


@pytest.mark.parametrize(("size", "ratio", "count", "expected"), [
    (101, "3", None, 4), (100, "3", None, 3), (1, "3", None, 1), (0, "3", None, 0),
    (34, "1.5", None, 1), (200, "1.5", None, 3), (10, "100", None, 10), (10, None, 25, 10),
    (300_000, "3", None, 9000), (300_001, "3", None, 9001),
])
def test_ratios_round_up(size, ratio, count, expected):
    assert target_count(size, ratio, count) == expected


def test_targets_are_drawn_uniformly_over_many_seeds():
    """χ² over 4,000 draws of 2 in 20: every entity is as likely as every other. The seeds
    come from a fixed generator, so the test gives the same verdict every run."""
    seeds = random.Random(20260316)
    picks: Counter[int] = Counter()
    pool = snapshot()
    draws = 4000
    for _ in range(draws):
        result = run(pool, seeds.randbytes(32).hex())
        picks.update(entity for entity, _team in result["targets"])
    expected = draws * 2 / 20
    chi2 = sum((picks[i] - expected) ** 2 / expected for i in range(1, 21))
    assert chi2 < CHI2_19_P001, (chi2, picks)
    assert sum(picks.values()) == draws * 2


def test_the_first_pick_of_a_stream_is_uniform_too():
    seeds = random.Random(7)
    firsts = Counter(Stream(seeds.randbytes(32), "t").below(20) for _ in range(6000))
    chi2 = sum((firsts[i] - 300) ** 2 / 300 for i in range(20))
    assert chi2 < CHI2_19_P001


def test_officers_are_spread_evenly_and_pairs_change():
    teams = deal_officers(bytes(32), range(20), list(range(10)), [], 2)
    loads = Counter(o for _e, team in teams for o in team)
    assert set(loads.values()) == {4}
    pairs = Counter(tuple(team) for _e, team in teams)
    assert len(pairs) > 5  # a new shuffle each round: not the same five pairs again


def test_an_officer_passed_over_for_a_conflict_keeps_their_turn():
    conflicts = [(0, e) for e in range(5)]
    teams = deal_officers(bytes(range(32)), range(20), list(range(10)), conflicts, 2)
    assert all(0 not in team for e, team in teams if e < 5)
    loads = Counter(o for _e, team in teams for o in team)
    assert max(loads.values()) - min(loads.values()) <= 1


def test_the_snapshot_bytes_round_trip_and_hash_stably():
    pool = snapshot(conflicts=[])
    pool.conflicts.append((1001, 3))
    data = encode(pool)
    again = decode(data)
    assert encode(again) == data and digest(encode(again)) == digest(data)
    seed = "11" * 32
    assert run(again, seed) == run(pool, seed)


def test_too_few_qualified_officers_is_a_refusal():
    pool = snapshot(officers=1)
    with pytest.raises(Refusal) as refused:
        run(pool, "00" * 32)
    assert refused.value.code == "too_few_officers"
