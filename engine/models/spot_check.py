"""Double random, one public (双随机、一公开): the item list, the officers' qualifications and
declared conflicts, special target pools, plans, tasks and their sealed draws."""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    Enum,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from engine.models.base import Base, UTCDateTime


class SpotCheckItem(Base):
    """SpotCheckItem — 抽查事项: one line of the item list (抽查事项清单)."""

    __tablename__ = "spot_check_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    sub_items: Mapped[list[str]] = mapped_column(JSON, default=list)
    method: Mapped[str] = mapped_column(String(100))  # 书面检查, 实地核查, 网络监测, ...
    qualification: Mapped[str | None] = mapped_column(String(40))  # tag an officer needs
    legal_basis: Mapped[str] = mapped_column(Text, default="")
    target_type: Mapped[str] = mapped_column(String(100))  # 企业, 个体工商户, 食品经营者, ...
    ratio_percent: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    frequency: Mapped[str] = mapped_column(String(40))  # 每年一次, ...
    key_item: Mapped[bool] = mapped_column(Boolean, default=False)  # 重点 (else 一般)
    owner_org_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id"), index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_by: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class OfficerQualification(Base):
    """A qualification tag of an officer (食品, 特种设备, 计量, ...), matched against the
    items' `qualification`."""

    __tablename__ = "officer_qualification"
    __table_args__ = (UniqueConstraint("user_id", "tag"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"),
                                         index=True)
    tag: Mapped[str] = mapped_column(String(40))
    granted_by: Mapped[str] = mapped_column(String(64))
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ConflictOfInterest(Base):
    """ConflictOfInterest — 回避: an officer's declared relation to an entity (a relative's
    business, the same household, a former employer, ...): never drawn to check it."""

    __tablename__ = "conflict_of_interest"
    __table_args__ = (UniqueConstraint("user_id", "entity_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"),
                                         index=True)
    entity_id: Mapped[int] = mapped_column(ForeignKey("market_entity.id"), index=True)
    relation: Mapped[str] = mapped_column(String(100))
    declared_by: Mapped[str] = mapped_column(String(64))
    declared_at: Mapped[datetime] = mapped_column(UTCDateTime)


class SpecialPool(Base):
    """A department's special target pool (特定对象库), beside the directory of all entities."""

    __tablename__ = "special_pool"

    id: Mapped[int] = mapped_column(primary_key=True)
    org_unit_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    # How it was built: supervision_directory, licences, filters, upload.
    built_by: Mapped[str] = mapped_column(String(30))
    filters: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class SpecialPoolMember(Base):
    __tablename__ = "special_pool_member"

    pool_id: Mapped[int] = mapped_column(ForeignKey("special_pool.id", ondelete="CASCADE"),
                                         primary_key=True)
    entity_id: Mapped[int] = mapped_column(ForeignKey("market_entity.id"), primary_key=True)


class PlanState(enum.StrEnum):
    DRAFT = "draft"
    FILED = "filed"  # filed with the level above (报备)
    APPROVED = "approved"
    RETURNED = "returned"


class SpotCheckPlan(Base):
    """A department's annual spot-check plan (年度抽查计划), filed with the level above."""

    __tablename__ = "spot_check_plan"
    __table_args__ = (UniqueConstraint("org_unit_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    org_unit_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id"))
    year: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    state: Mapped[PlanState] = mapped_column(Enum(PlanState, native_enum=False, length=20))
    filed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by: Mapped[str | None] = mapped_column(String(64))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # The filing's approval case (bpmn/spot_check_plan.bpmn) and the level above's reason
    # when it returned the plan.
    instance_id: Mapped[int | None] = mapped_column(ForeignKey("process_instance.id"))
    return_reason: Mapped[str | None] = mapped_column(Text)


class SpotCheckTask(Base):
    """SpotCheckTask — 抽查任务, numbered per organiser and year (保市监抽查〔2026〕3号).

    Targeted (定向) tasks filter the pool (`filters`: industry prefixes, areas, entity
    types, risk classes) or draw from a special pool; untargeted (不定向) ones draw from every
    registered entity of the organiser's area. Either `ratio_percent` or `target_count`.
    """

    __tablename__ = "spot_check_task"
    __table_args__ = (UniqueConstraint("organiser_org_id", "year", "serial"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int | None] = mapped_column(ForeignKey("spot_check_plan.id"), index=True)
    organiser_org_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    serial: Mapped[int] = mapped_column(Integer)
    number: Mapped[str] = mapped_column(String(60), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    targeted: Mapped[bool] = mapped_column(Boolean, default=False)
    filters: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    pool_id: Mapped[int | None] = mapped_column(ForeignKey("special_pool.id"))
    ratio_percent: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))
    target_count: Mapped[int | None] = mapped_column(Integer)
    officers_per_target: Mapped[int] = mapped_column(Integer, default=2)
    yearly_cap: Mapped[int] = mapped_column(Integer, default=2)  # inspections per entity
    inspection_date: Mapped[date] = mapped_column(Date)
    deadline: Mapped[date] = mapped_column(Date)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class SpotCheckTaskItem(Base):
    __tablename__ = "spot_check_task_item"

    task_id: Mapped[int] = mapped_column(ForeignKey("spot_check_task.id", ondelete="CASCADE"),
                                         primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("spot_check_item.id"), primary_key=True)


class SpotCheckTaskUnit(Base):
    """An implementing department of a joint task (进一次门、查多项事), the organiser's own
    included."""

    __tablename__ = "spot_check_task_unit"

    task_id: Mapped[int] = mapped_column(ForeignKey("spot_check_task.id", ondelete="CASCADE"),
                                         primary_key=True)
    org_unit_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id"), primary_key=True)


class DrawKind(enum.StrEnum):
    TARGETS = "targets"  # targets and their officers
    RECUSAL = "recusal"  # one officer re-drawn after a recusal


class SpotCheckDraw(Base):
    """SpotCheckDraw — 抽取记录, sealed: the seed, the algorithm's version, the pool snapshot
    (compressed) and its hash, the result and its hash, who and when. `live_task_id` is the
    task's id while the draw stands (unique), so a task has one standing draw."""

    __tablename__ = "spot_check_draw"

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("spot_check_task.id"), index=True)
    live_task_id: Mapped[int | None] = mapped_column(Integer, unique=True)
    kind: Mapped[DrawKind] = mapped_column(Enum(DrawKind, native_enum=False, length=20))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("spot_check_draw.id"))
    seed: Mapped[str] = mapped_column(String(64))
    algorithm: Mapped[str] = mapped_column(String(40))
    snapshot: Mapped[bytes] = mapped_column(LargeBinary)
    pool_hash: Mapped[str] = mapped_column(String(64))
    pool_size: Mapped[int] = mapped_column(Integer)
    result: Mapped[dict[str, Any]] = mapped_column(JSON)
    result_hash: Mapped[str] = mapped_column(String(64))
    drawn_by: Mapped[str] = mapped_column(String(64))
    drawn_at: Mapped[datetime] = mapped_column(UTCDateTime)
    released_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    voided_by: Mapped[str | None] = mapped_column(String(64))
    voided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    void_reason: Mapped[str | None] = mapped_column(Text)


class SpotCheckTarget(Base):
    """One entity a draw picked (kept as rows for the yearly cap and the lifecycle)."""

    __tablename__ = "spot_check_target"
    __table_args__ = (Index("ix_spot_check_target_year_entity", "year", "entity_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    draw_id: Mapped[int] = mapped_column(ForeignKey("spot_check_draw.id"), index=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("spot_check_task.id"))
    entity_id: Mapped[int] = mapped_column(ForeignKey("market_entity.id"))
    year: Mapped[int] = mapped_column(Integer)


class Recusal(Base):
    """Recusal — 回避申请: an officer taken off one target, the replacement re-drawn by a
    sealed draw of its own."""

    __tablename__ = "spot_check_recusal"

    id: Mapped[int] = mapped_column(primary_key=True)
    draw_id: Mapped[int] = mapped_column(ForeignKey("spot_check_draw.id"), index=True)
    redraw_id: Mapped[int] = mapped_column(ForeignKey("spot_check_draw.id"))
    entity_id: Mapped[int] = mapped_column(ForeignKey("market_entity.id"))
    officer_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    replacement_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    reason: Mapped[str] = mapped_column(Text)
    requested_by: Mapped[str] = mapped_column(String(64))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime)
