"""Lane rules: which org unit and role a lane of a diagram stands for in a case.

A lane names a role in the case, not a person. Each rule says where the
candidate org unit comes from: a field of the case data holding an org unit
code (`org_field`), or the joint-meeting office of the case's area
(`joint_office_of_area`). The engine resolves the code to a unit.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class LaneRule:
    role: str
    org_field: str | None = None
    joint_office_of_area: bool = False


LANE_RULES: dict[str, LaneRule] = {
    # the department the case was routed to
    "department": LaneRule(role="officer", org_field="department_org"),
    # the department's administrators (revoke a claim, sign off)
    "department_admin": LaneRule(role="dept_admin", org_field="department_org"),
    # the AMR unit that registered the entity
    "registrar": LaneRule(role="officer", org_field="registrar_org"),
    # a second pair of eyes in the handling unit
    "reviewer": LaneRule(role="dept_admin", org_field="department_org"),
    # the administrators of the level above (a county's or city's decision approved upwards)
    "approver": LaneRule(role="dept_admin", org_field="approver_org"),
    # the joint-meeting office (联席会议办公室) of the entity's area
    "supervisor": LaneRule(role="supervisor", joint_office_of_area=True),
}


def lane_rule(lane: str | None) -> LaneRule | None:
    """The rule for a lane name, or None. The last word is the key: "承办部门 department"."""
    if lane is None:
        return None
    words = lane.strip().lower().split()
    return LANE_RULES.get(words[-1]) if words else None
