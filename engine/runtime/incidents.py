"""Incidents: instances stopped by an error, listed for operators and retried by them."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from engine import audit, clock
from engine.db import transaction
from engine.errors import Conflict, IncidentError, NotFound
from engine.models import (
    Incident,
    InstanceStatus,
    ProcessInstance,
    Timer,
    WorkItem,
    WorkItemStatus,
)


def raise_incident(session: Session, instance_id: int, source: str, message: str,
                   task_id: str | None = None, element: str | None = None) -> Incident:
    """Stop an instance with an error that an operator must look at, on the element it
    stopped at (given, else where the instance stands: an open task, else a waiting timer),
    so that the operations overlay counts it there."""
    instance = session.get(ProcessInstance, instance_id)
    if instance is None:
        raise NotFound(f"no process instance {instance_id}", code="no_such_case")
    incident = Incident(instance_id=instance_id, source=source, task_id=task_id,
                        element=element or standing_element(session, instance_id),
                        message=message[:4000], created_at=clock.now())
    session.add(incident)
    instance.status = InstanceStatus.INCIDENT
    instance.error = message[:4000]
    session.flush()
    audit.record(session, audit.SYSTEM, "incident.raise", "process_instance", instance_id,
                 incident_id=incident.id, source=source, element=incident.element,
                 message=message[:500])
    return incident


def standing_element(session: Session, instance_id: int) -> str | None:
    """Where an instance stands: the element of its oldest open work item, else of its
    soonest waiting timer."""
    item = session.execute(
        select(WorkItem.task_name).where(WorkItem.instance_id == instance_id,
                                         WorkItem.status == WorkItemStatus.OPEN)
        .order_by(WorkItem.id).limit(1)).scalar()
    if item is not None:
        return str(item)
    return session.execute(
        select(Timer.element).where(Timer.instance_id == instance_id, Timer.element.is_not(None))
        .order_by(Timer.due_at, Timer.id).limit(1)).scalar()


def report_failure(sessions: sessionmaker[Session], error: IncidentError,
                   source: str = "command") -> Incident | None:
    """Record, in a transaction of its own, a command that failed in the process.

    The command itself was rolled back (its user sees the error); the incident
    tells operators which instance needs them, with the error. None when the
    error names no instance.
    """
    instance_id = error.details.get("instance_id")
    if not isinstance(instance_id, int):
        return None
    element = error.details.get("element")
    with transaction(sessions) as session:
        return raise_incident(session, instance_id, source, error.message,
                              element=element if isinstance(element, str) else None)


def open_incidents(session: Session) -> list[Incident]:
    return list(session.execute(
        select(Incident).where(Incident.resolved_at.is_(None)).order_by(Incident.id)
    ).scalars())


def retry(session: Session, actor: audit.Actor, incident_id: int) -> Incident:
    """Resolve an incident and let its instance run again; its timers are due at once."""
    incident = session.get(Incident, incident_id)
    if incident is None:
        raise NotFound(f"no incident {incident_id}", code="no_such_incident")
    if incident.resolved_at is not None:
        raise Conflict(f"incident {incident_id} is already resolved", code="incident_resolved")
    instance = session.get(ProcessInstance, incident.instance_id)
    assert instance is not None
    incident.resolved_at, incident.resolved_by = clock.now(), actor.name
    instance.status, instance.error = InstanceStatus.WAITING, None
    session.execute(
        update(Timer).where(Timer.instance_id == instance.id)
        .values(attempts=0, locked_by=None, locked_until=None, last_error=None)
        .execution_options(synchronize_session=False)
    )
    session.flush()
    audit.record(session, actor, "incident.retry", "process_instance", instance.id,
                 incident_id=incident.id)
    return incident
