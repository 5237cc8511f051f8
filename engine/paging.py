"""Pages of query results for list views: the rows of one page and the total."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

T = TypeVar("T")


@dataclass
class Page(Generic[T]):
    rows: list[T]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def page_of(session: Session, query: Select[*tuple[Any, ...]], order: tuple[Any, ...],
            page: int = 1, per_page: int = 50) -> Page[Any]:
    """One page of a select of one entity (or of rows), clamped to the pages there are."""
    total = session.execute(select(func.count()).select_from(query.subquery())).scalar_one()
    per_page = max(1, per_page)
    page = min(max(page, 1), max(1, -(-total // per_page)))
    result = session.execute(query.order_by(*order).limit(per_page).offset((page - 1) * per_page))
    single = len(query.column_descriptions) == 1
    rows = list(result.scalars() if single else result.all())
    return Page(rows, total, page, per_page)
