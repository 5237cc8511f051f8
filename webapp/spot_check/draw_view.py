"""What the task page shows of its standing draw at a glance: a summary, the drawn targets
a page at a time (narrowed by name or code), and each officer's load."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from engine.models import MarketEntity, SpotCheckDraw, User
from engine.paging import Page

PER_PAGE = 20


@dataclass(frozen=True)
class DrawSummary:
    targets: int
    officers: int
    pool: int
    recusals: int
    voided: int
    busiest: int  # the most targets one officer has


def summary(standing: SpotCheckDraw, draws: list[SpotCheckDraw],
            teams: dict[int, list[int]]) -> DrawSummary:
    load = Counter(o for team in teams.values() for o in team)
    return DrawSummary(
        targets=len(teams), officers=len(load), pool=standing.pool_size,
        recusals=sum(1 for d in draws if d.kind.value == "recusal" and d.voided_at is None),
        voided=sum(1 for d in draws if d.voided_at is not None),
        busiest=max(load.values(), default=0))


def target_page(teams: dict[int, list[int]], entities: dict[int, MarketEntity], query: str,
                page: int) -> Page[tuple[int, list[int]]]:
    """The drawn targets in name order, those whose name or code holds `query`, one page."""
    wanted = query.strip().upper()
    rows = sorted(((e, team) for e, team in teams.items()
                   if not wanted or (e in entities and (wanted in entities[e].name.upper()
                                                        or wanted in entities[e].uscc))),
                  key=lambda row: (entities[row[0]].name if row[0] in entities else "", row[0]))
    pages = max(1, -(-len(rows) // PER_PAGE))
    page = min(max(page, 1), pages)
    return Page(rows[(page - 1) * PER_PAGE:page * PER_PAGE], len(rows), page, PER_PAGE)


def officer_load(teams: dict[int, list[int]], people: dict[int, User]
                 ) -> list[tuple[str, int]]:
    """Each drawn officer and how many targets they have, the busiest first."""
    load = Counter(o for team in teams.values() for o in team)
    return sorted(((people[o].display_name if o in people else str(o), n)
                   for o, n in load.items()), key=lambda row: (-row[1], row[0]))
