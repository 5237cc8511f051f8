"""The SQLAlchemy models of the platform, one module per area."""

from engine.models.audit import AuditEvent, AuditHead
from engine.models.base import Base
from engine.models.calendar import CalendarDay, CalendarWarning, CalendarYear
from engine.models.entity import MarketEntity
from engine.models.org import OrgKind, OrgUnit, Role, User, UserRole
from engine.models.process import (
    Incident,
    InstanceStatus,
    ProcessDefinition,
    ProcessInstance,
    Timer,
    WorkItem,
    WorkItemStatus,
)

__all__ = [
    "AuditEvent",
    "AuditHead",
    "Base",
    "CalendarDay",
    "CalendarWarning",
    "CalendarYear",
    "Incident",
    "InstanceStatus",
    "MarketEntity",
    "OrgKind",
    "OrgUnit",
    "ProcessDefinition",
    "ProcessInstance",
    "Role",
    "Timer",
    "User",
    "UserRole",
    "WorkItem",
    "WorkItemStatus",
]
