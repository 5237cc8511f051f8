"""The SQLAlchemy models of the platform, one module per area."""

from engine.models.account import ApiToken, LoginThrottle, SavedFilter
from engine.models.audit import AuditEvent, AuditHead
from engine.models.base import Base
from engine.models.calendar import CalendarDay, CalendarWarning, CalendarYear
from engine.models.casefile import Attachment, Comment
from engine.models.credit import IN_FORCE, CreditListEntry, ListStatus, ListType
from engine.models.credit_check import (
    CatalogueVersion,
    CreditCheck,
    CreditFeedback,
    CreditHit,
    FeedbackOutcome,
    JointMeasure,
)
from engine.models.credit_lists import AnnualReport, CreditListApplication, DecisionSequence
from engine.models.disclosure import (
    DataSource,
    DisclosureRecord,
    DisclosureSetting,
    RecordStatus,
)
from engine.models.dual_notice import (
    LIVE_NOTICE_STATES,
    Commitment,
    DualNotice,
    NoticeState,
    SupervisionEntry,
    UnlicensedLead,
)
from engine.models.entity import MarketEntity, RoutingState
from engine.models.form import FormVersion, ProcessForm
from engine.models.inspection import AbnormalRequest, Inspection
from engine.models.notification import (
    DeliveryChannel,
    DeliveryStatus,
    Notification,
    NotificationDelivery,
    NotificationKind,
)
from engine.models.org import OrgKind, OrgUnit, Role, User, UserRole
from engine.models.portal import DisclosureObjection, ObjectionStatus, PortalRate
from engine.models.process import (
    Incident,
    InstanceStatus,
    ProcessDefinition,
    ProcessDraft,
    ProcessInstance,
    ProcessSchedule,
    Timer,
    WaitingEvent,
    WorkItem,
    WorkItemStatus,
)
from engine.models.registry import RegistryImport, RegistryUpload
from engine.models.rules import DecisionTable, RuleDraft
from engine.models.search import unmodelled
from engine.models.spot_check import (
    ConflictOfInterest,
    DrawKind,
    OfficerQualification,
    PlanState,
    Recusal,
    SpecialPool,
    SpecialPoolMember,
    SpotCheckDraw,
    SpotCheckItem,
    SpotCheckPlan,
    SpotCheckTarget,
    SpotCheckTask,
    SpotCheckTaskItem,
    SpotCheckTaskUnit,
)
from engine.models.unlicensed import UnlicensedCase, UnlicensedCopy, UnlicensedReporter

__all__ = [
    "FormVersion",
    "ProcessForm",
    "AbnormalRequest",
    "Inspection",
    "IN_FORCE",
    "AnnualReport",
    "CreditListApplication",
    "DecisionSequence",
    "CatalogueVersion",
    "CreditCheck",
    "CreditFeedback",
    "CreditHit",
    "FeedbackOutcome",
    "JointMeasure",
    "CreditListEntry",
    "ListStatus",
    "ListType",
    "LIVE_NOTICE_STATES",
    "Commitment",
    "DataSource",
    "DisclosureRecord",
    "DisclosureObjection",
    "ObjectionStatus",
    "PortalRate",
    "DisclosureSetting",
    "RecordStatus",
    "DecisionTable",
    "RuleDraft",
    "DualNotice",
    "NoticeState",
    "RegistryImport",
    "RegistryUpload",
    "RoutingState",
    "SupervisionEntry",
    "UnlicensedLead",
    "UnlicensedCase",
    "UnlicensedCopy",
    "UnlicensedReporter",
    "ApiToken",
    "Attachment",
    "AuditEvent",
    "AuditHead",
    "Base",
    "CalendarDay",
    "CalendarWarning",
    "CalendarYear",
    "Comment",
    "Incident",
    "InstanceStatus",
    "LoginThrottle",
    "MarketEntity",
    "DeliveryChannel",
    "DeliveryStatus",
    "Notification",
    "NotificationDelivery",
    "NotificationKind",
    "OrgKind",
    "OrgUnit",
    "ProcessDefinition",
    "ProcessDraft",
    "ProcessInstance",
    "ProcessSchedule",
    "Role",
    "SavedFilter",
    "Timer",
    "WaitingEvent",
    "User",
    "UserRole",
    "WorkItem",
    "WorkItemStatus",
    "unmodelled",
    "ConflictOfInterest",
    "DrawKind",
    "OfficerQualification",
    "PlanState",
    "Recusal",
    "SpecialPool",
    "SpecialPoolMember",
    "SpotCheckDraw",
    "SpotCheckItem",
    "SpotCheckPlan",
    "SpotCheckTarget",
    "SpotCheckTask",
    "SpotCheckTaskItem",
    "SpotCheckTaskUnit",
]
