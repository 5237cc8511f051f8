"""Organisation: the unit tree, users, roles and enforcement certificates."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    Enum,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
    false,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engine.models.base import Base, UTCDateTime


class OrgKind(enum.StrEnum):
    PROVINCE = "province"  # the level above the city: it approves the city's decisions
    CITY = "city"
    COUNTY = "county"
    PARK = "park"
    DEPARTMENT = "department"
    SECTION = "section"
    STATION = "station"
    JOINT_OFFICE = "joint_office"


class Role(enum.StrEnum):
    OFFICER = "officer"
    DEPT_ADMIN = "dept_admin"
    SUPERVISOR = "supervisor"
    SYSADMIN = "sysadmin"
    AUDITOR = "auditor"


class OrgUnit(Base):
    """A node of the organisation tree (city, county, department, station, ...).

    `path` is the materialised chain of ids ("/1/7/42/") so that a subtree is
    one indexed prefix match.
    """

    __tablename__ = "org_unit"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[OrgKind] = mapped_column(Enum(OrgKind, native_enum=False, length=20))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("org_unit.id"), index=True)
    area_code: Mapped[str] = mapped_column(String(12), index=True)
    path: Mapped[str] = mapped_column(String(400), index=True, default="")
    # A deactivated unit keeps its history; nobody works in it and nothing goes to it.
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    # The unit's group robot (政务微信 / 钉钉): its people's notifications are posted there.
    webhook_url: Mapped[str | None] = mapped_column(String(500))
    # A DingTalk robot's signing secret (加签), when it has one.
    webhook_secret: Mapped[str | None] = mapped_column(String(200))

    parent: Mapped[OrgUnit | None] = relationship(remote_side=[id])

    def __repr__(self) -> str:
        return f"<OrgUnit {self.code} {self.name}>"


class User(Base):
    """A person who signs in: officer, administrator, supervisor or auditor."""

    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(100))
    password_hash: Mapped[str] = mapped_column(String(200))
    org_unit_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id"), index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    locale: Mapped[str] = mapped_column(String(10), default="zh_CN")
    # Where notifications are e-mailed, when e-mail is configured; none: in-app only.
    email: Mapped[str | None] = mapped_column(String(254))
    certificate_no: Mapped[str | None] = mapped_column(String(64))
    certificate_expires: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Kept in every sign-in session; raising it ends them all (sign-out, password, deactivation).
    session_generation: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # Set by an administrator's reset (or a new account): the next sign-in changes it first.
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False,
                                                       server_default=false())

    # Loaded with the user: every permission check needs both.
    org_unit: Mapped[OrgUnit] = relationship(lazy="joined")
    role_rows: Mapped[list[UserRole]] = relationship(
        cascade="all, delete-orphan", lazy="selectin"
    )

    @property
    def roles(self) -> frozenset[Role]:
        return frozenset(r.role for r in self.role_rows)

    def has_role(self, *roles: Role) -> bool:
        return bool(self.roles.intersection(roles))

    def certificate_valid_on(self, day: date) -> bool:
        expires = self.certificate_expires
        return bool(self.certificate_no and expires and expires >= day)


class UserRole(Base):
    __tablename__ = "user_role"
    __table_args__ = (UniqueConstraint("user_id", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    role: Mapped[Role] = mapped_column(Enum(Role, native_enum=False, length=20))
