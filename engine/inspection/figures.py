"""Figures of a department's spot checks over a period (by the inspection date): plan
completion (a task is complete when every drawn target is done), targets drawn and
checked, problems found by result code, results published on time (within 20 working
days of the check). They feed assessment later."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from engine.inspection.queries import inspection_filter
from engine.inspection.vocabulary import DONE
from engine.models import Inspection, OrgUnit, User


@dataclass
class DepartmentFigures:
    department_id: int
    department: str
    tasks: int = 0
    tasks_done: int = 0
    drawn: int = 0
    checked: int = 0
    published: int = 0
    published_on_time: int = 0
    problems: dict[str, int] = field(default_factory=dict)

    @property
    def completion(self) -> float | None:
        return self.tasks_done / self.tasks if self.tasks else None

    @property
    def on_time_rate(self) -> float | None:
        return self.published_on_time / self.published if self.published else None


def spot_check_figures(session: Session, user: User, start: date, end: date
                       ) -> list[DepartmentFigures]:
    """One row per department with inspections dated in [start, end] that the user sees,
    by name."""
    period = [Inspection.inspection_date >= start, Inspection.inspection_date <= end,
              inspection_filter(session, user)]
    done = case((Inspection.status.in_(DONE), 1), else_=0)
    per_task = select(Inspection.department_id, Inspection.task_id,
                      func.count().label("drawn"), func.sum(done).label("done"),
                      func.count(Inspection.checked_on).label("checked"),
                      func.count(Inspection.published_at).label("published"),
                      func.sum(case((Inspection.publication_late_days == 0, 1), else_=0))
                      .label("on_time")).where(*period).group_by(
        Inspection.department_id, Inspection.task_id).subquery()
    rows = session.execute(select(
        per_task.c.department_id, OrgUnit.name, func.count(),
        func.sum(case((per_task.c.done == per_task.c.drawn, 1), else_=0)),
        func.sum(per_task.c.drawn), func.sum(per_task.c.checked),
        func.sum(per_task.c.published), func.sum(per_task.c.on_time))
        .join(OrgUnit, OrgUnit.id == per_task.c.department_id)
        .group_by(per_task.c.department_id, OrgUnit.name).order_by(OrgUnit.name))
    found: dict[int, DepartmentFigures] = {}
    for row in rows:
        counts = [int(v or 0) for v in row[2:]]
        found[row[0]] = DepartmentFigures(row[0], row[1], tasks=counts[0],
                                          tasks_done=counts[1], drawn=counts[2],
                                          checked=counts[3], published=counts[4],
                                          published_on_time=counts[5])
    problems = session.execute(select(Inspection.department_id, Inspection.result_code,
                                      func.count()).where(
        *period, Inspection.result_code.is_not(None),
        Inspection.result_code != "no_problem").group_by(
        Inspection.department_id, Inspection.result_code))
    for department_id, code, count in problems:
        found[department_id].problems[str(code)] = count
    return list(found.values())
