"""Process definitions, instances and the rows derived from their state."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import (
    JSON,
    Enum,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engine.models.base import Base, UTCDateTime


class InstanceStatus(enum.StrEnum):
    RUNNING = "running"
    WAITING = "waiting"
    COMPLETED = "completed"
    INCIDENT = "incident"
    SUSPENDED = "suspended"
    TERMINATED = "terminated"


class WorkItemStatus(enum.StrEnum):
    OPEN = "open"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


class ProcessDefinition(Base):
    """One immutable deployed version of a process (BPMN plus its DMN tables)."""

    __tablename__ = "process_definition"
    __table_args__ = (UniqueConstraint("key", "version"), UniqueConstraint("key", "sha256"))

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(100), index=True)
    version: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(200))
    sha256: Mapped[str] = mapped_column(String(64))
    bpmn_xml: Mapped[str] = mapped_column(Text, deferred=True)
    dmn_xml: Mapped[list[str]] = mapped_column(JSON, default=list, deferred=True)
    file_names: Mapped[list[str]] = mapped_column(JSON, default=list)
    # The deployment's other BPMN files, [name, text], holding processes it calls.
    extra_bpmn: Mapped[list[list[str]]] = mapped_column(JSON, default=list, deferred=True)
    # Processes it calls that were deployed before: key -> the version it carries.
    calls: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)
    spec_json: Mapped[str] = mapped_column(Text, deferred=True)
    deployed_by: Mapped[str] = mapped_column(String(64))
    deployed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # What the deployer said this version changes (the modeler asks for it).
    comment: Mapped[str | None] = mapped_column(Text, nullable=True)


class ProcessDraft(Base):
    """The modeler's saved, not yet deployed diagram of a process: one per key."""

    __tablename__ = "process_draft"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(100), unique=True)
    bpmn_xml: Mapped[str] = mapped_column(Text)
    saved_by: Mapped[str] = mapped_column(String(64))
    saved_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ProcessInstance(Base):
    """A running or finished case; `state` is SpiffWorkflow's JSON without the spec."""

    __tablename__ = "process_instance"
    __table_args__ = (Index("ix_process_instance_status_updated", "status", "updated_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    definition_id: Mapped[int] = mapped_column(ForeignKey("process_definition.id"), index=True)
    business_key: Mapped[str | None] = mapped_column(String(200), index=True)
    entity_id: Mapped[int | None] = mapped_column(ForeignKey("market_entity.id"), index=True)
    area_code: Mapped[str | None] = mapped_column(String(12))
    status: Mapped[InstanceStatus] = mapped_column(
        Enum(InstanceStatus, native_enum=False, length=20)
    )
    state: Mapped[str] = mapped_column(Text)
    serializer_version: Mapped[str] = mapped_column(String(20))
    version: Mapped[int] = mapped_column(Integer, default=1)
    started_by: Mapped[str] = mapped_column(String(64))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    error: Mapped[str | None] = mapped_column(Text)

    definition: Mapped[ProcessDefinition] = relationship()

    __mapper_args__ = {"version_id_col": version}


class WorkItem(Base):
    """A human task of an instance, derived from its state on every save."""

    __tablename__ = "work_item"
    __table_args__ = (
        UniqueConstraint("instance_id", "task_id"),
        # Held items only: a pool's items (no holder) are found by the candidate index,
        # which SQLite passed over for this one when asked for unheld items.
        Index("ix_work_item_assignee_open", "assignee_id", "status", "due_at",
              sqlite_where=text("assignee_id IS NOT NULL"),
              postgresql_where=text("assignee_id IS NOT NULL")),
        # With the role and the id last the inbox counts a pool's claimable, late and
        # due-soon work, and finds a page's ids in due order, from the index alone.
        Index("ix_work_item_candidate_open", "candidate_org_id", "status", "assignee_id", "due_at",
              "candidate_role", "id"),
        Index("ix_work_item_area_open", "area_code", "status", "due_at"),
        # The monitor's late and due-soon work of many units reads only those rows.
        Index("ix_work_item_status_due", "status", "due_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(
        ForeignKey("process_instance.id", ondelete="CASCADE"), index=True
    )
    task_id: Mapped[str] = mapped_column(String(36))
    task_name: Mapped[str] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(String(300))
    process_key: Mapped[str] = mapped_column(String(100))
    lane: Mapped[str | None] = mapped_column(String(100))
    candidate_org_id: Mapped[int | None] = mapped_column(ForeignKey("org_unit.id"))
    candidate_role: Mapped[str | None] = mapped_column(String(20))
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    status: Mapped[WorkItemStatus] = mapped_column(
        Enum(WorkItemStatus, native_enum=False, length=20)
    )
    priority: Mapped[int] = mapped_column(SmallInteger, default=2)
    form_key: Mapped[str | None] = mapped_column(String(100))
    entity_id: Mapped[int | None] = mapped_column(ForeignKey("market_entity.id"), index=True)
    area_code: Mapped[str | None] = mapped_column(String(12))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    follow_up_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    completed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    instance: Mapped[ProcessInstance] = relationship()
    shares: Mapped[list[WorkItemShare]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True)


class WorkItemShare(Base):
    """A person a work item is shared with besides its holder (a task of a drawn pair):
    it is in their own work too, and they may act on it. Derived from the task's notes."""

    __tablename__ = "work_item_share"

    work_item_id: Mapped[int] = mapped_column(
        ForeignKey("work_item.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), primary_key=True,
                                         index=True)


class Timer(Base):
    """A waiting BPMN timer event and its lease for the sweepers."""

    __tablename__ = "timer"
    __table_args__ = (
        UniqueConstraint("instance_id", "task_id"),
        Index("ix_timer_due", "due_at", "locked_until"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(
        ForeignKey("process_instance.id", ondelete="CASCADE"), index=True
    )
    task_id: Mapped[str] = mapped_column(String(36))
    # The diagram element that waits (the timer event's id), for the operations heat map.
    element: Mapped[str | None] = mapped_column(String(200))
    event_name: Mapped[str] = mapped_column(String(200))
    interrupting: Mapped[bool | None] = mapped_column()
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    locked_by: Mapped[str | None] = mapped_column(String(100))
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)


class WaitingEvent(Base):
    """A message or signal an instance waits for: a waiting catch event (its task), or the
    start of one of its event sub-processes (task_id ""). Derived on every save, like the
    timer rows, so a sender finds the cases to load without loading them all."""

    __tablename__ = "waiting_event"
    __table_args__ = (
        UniqueConstraint("instance_id", "task_id", "kind", "name"),
        Index("ix_waiting_event_name", "kind", "name"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(
        ForeignKey("process_instance.id", ondelete="CASCADE"), index=True
    )
    task_id: Mapped[str] = mapped_column(String(36))
    kind: Mapped[str] = mapped_column(String(10))  # "message" or "signal"
    name: Mapped[str] = mapped_column(String(200))


class ProcessSchedule(Base):
    """When the scheduler next starts a case of a process with a timer start event: one row
    per process, from its latest version; leased like the timer rows."""

    __tablename__ = "process_schedule"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(100), unique=True)
    definition_id: Mapped[int] = mapped_column(
        ForeignKey("process_definition.id", ondelete="CASCADE"), index=True)
    element: Mapped[str] = mapped_column(String(200))  # the start event's id
    next_due_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    period_seconds: Mapped[int | None] = mapped_column(Integer)  # None: once (date, duration)
    cycles_left: Mapped[int | None] = mapped_column(Integer)  # None: without end
    locked_by: Mapped[str | None] = mapped_column(String(100))
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    started: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)


class Incident(Base):
    """A failure an operator must look at: a timer past its retries, a script error."""

    __tablename__ = "incident"

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(
        ForeignKey("process_instance.id", ondelete="CASCADE"), index=True
    )
    source: Mapped[str] = mapped_column(String(40))
    task_id: Mapped[str | None] = mapped_column(String(36))
    element: Mapped[str | None] = mapped_column(String(200))  # where it stopped, when known
    message: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_by: Mapped[str | None] = mapped_column(String(64))
