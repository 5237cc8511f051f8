"""The organisation tree in the browser: a unit added, renamed, moved with what lies below
it, deactivated only once nobody and nothing is left in it; audited."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from engine.models import AuditEvent, OrgUnit

pytestmark = pytest.mark.usefixtures("traveller")


def unit(app_sessions, code: str) -> OrgUnit:
    with app_sessions() as session:
        return session.execute(select(OrgUnit).where(OrgUnit.code == code)).scalar_one()


def test_a_unit_is_added_renamed_moved_and_deactivated(login, world, app_sessions):
    admin = login("admin")
    done = admin.post("/admin/units/", {"parent": world.units["530502-amr"].id,
                                        "code": "530502-amr-price", "name": "价格监督检查科",
                                        "kind": "section"})
    assert done.status_code == 302
    added = unit(app_sessions, "530502-amr-price")
    assert (added.area_code, added.path) == ("530502",
                                             f"{world.units['530502-amr'].path}{added.id}/")
    assert admin.post(f"/admin/units/{added.id}/rename", {"name": "价格监管科"}).status_code == 302
    assert unit(app_sessions, "530502-amr-price").name == "价格监管科"
    # The station of 隆阳区 (with its officer sun) moves under 腾冲市's market regulator.
    station = world.units["530502-amr-st"]
    admin.post(f"/admin/units/{station.id}/move", {"parent": world.units["530581-amr"].id})
    moved = unit(app_sessions, "530502-amr-st")
    assert moved.path == f"{world.units['530581-amr'].path}{station.id}/"
    assert moved.area_code == "530581"
    page = admin.get(admin.post(f"/admin/units/{station.id}/deactivate", {}).headers["Location"])
    assert "1" in page.text and unit(app_sessions, "530502-amr-st").active  # sun works there
    admin.post(f"/admin/units/{added.id}/deactivate", {})
    assert not unit(app_sessions, "530502-amr-price").active
    with app_sessions() as session:
        actions = session.execute(select(AuditEvent.action).where(
            AuditEvent.object_type == "org_unit").order_by(AuditEvent.id)).scalars().all()
    assert actions == ["unit.create", "unit.rename", "unit.move", "unit.deactivate"]


def test_a_unit_cannot_move_below_itself_nor_take_a_used_code(login, world, app_sessions):
    admin = login("admin")
    amr = world.units["530502-amr"]
    page = admin.sent_back(f"/admin/units/{amr.id}/move",
                           {"parent": world.units["530502-amr-reg"].id})
    assert page.status_code == 200
    assert unit(app_sessions, "530502-amr").path == amr.path
    page = admin.sent_back("/admin/units/", {"parent": amr.id, "code": "530502-amr-reg",
                                             "name": "重复", "kind": "section"})
    assert 'aria-invalid="true"' in page.text
