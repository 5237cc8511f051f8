"""The credit-check log: who reads which checks, and its filters."""

from __future__ import annotations

import io
from datetime import date

import pytest
from openpyxl import load_workbook

from engine import credit_check
from engine.errors import Forbidden
from engine.models import ListType, Role
from engine.org.units import add_user
from tests.engine.credit_check.entries import list_entry
from tests.factories import CST, PASSWORD, SETUP, make_entity

pytestmark = pytest.mark.both_backends
LABELS = {"actions": {"licence": "行政许可审批"}, "origins": {"web": "核查页面", "api": "接口"},
          "results": {"restricted": "受限", "clear": "未受限"}}


@pytest.fixture
def checks(session, world, traveller):
    """chen (隆阳区) checked a listed entity for a licence and a clean one for an honour;
    liu (腾冲市) checked through the API."""
    credit_check.seed_catalogue(session, world.actor("admin"))
    listed, clean = make_entity(session), make_entity(session)
    list_entry(session, listed, ListType.SERIOUS)
    chen, liu = world.users["chen"], world.users["liu"]
    credit_check.check_one(session, world.actor("chen"), listed.uscc, "licence",
                           unit_id=chen.org_unit_id, purpose="许可申请2026-7")
    credit_check.check_one(session, world.actor("chen"), clean.uscc, "honour",
                           unit_id=chen.org_unit_id)
    credit_check.check_one(session, world.actor("liu"), clean.uscc, "licence",
                           unit_id=liu.org_unit_id, origin="api")
    return listed, clean


def seen(session, world, user, **asked):
    page = credit_check.check_log(session, world.users[user], credit_check.LogFilter(**asked))
    return [(row.check.checked_by, row.check.action) for row in page.rows]


def test_who_reads_which_checks(session, world, checks):
    everything = [("liu", "licence"), ("chen", "honour"), ("chen", "licence")]
    world.users["audit"] = add_user(session, SETUP, "audit", "audit", PASSWORD, "530500",
                                    [Role.AUDITOR])
    assert seen(session, world, "audit") == everything
    assert seen(session, world, "admin") == everything
    assert seen(session, world, "zhang") == everything[1:]  # its department's
    assert seen(session, world, "wang") == everything[1:]  # its area's office
    assert seen(session, world, "zhao") == everything[:1]
    with pytest.raises(Forbidden):
        seen(session, world, "chen")  # officers use the check page, not the log


def test_the_filters(session, world, checks):
    listed, clean = checks
    assert seen(session, world, "admin", result="restricted") == [("chen", "licence")]
    assert seen(session, world, "admin", result="clear", action="licence") == [("liu", "licence")]
    assert seen(session, world, "admin", origin="api") == [("liu", "licence")]
    assert seen(session, world, "admin", checked_by="chen", uscc=clean.uscc.lower()) == [
        ("chen", "honour")]
    assert seen(session, world, "admin", start=date(2026, 3, 3)) == []
    assert len(seen(session, world, "admin", start=date(2026, 3, 2), end=date(2026, 3, 2))) == 3


def test_the_export_says_who_when_what_and_the_result(session, world, checks):
    out = io.BytesIO()
    total = credit_check.export_log(session, world.users["zhang"], credit_check.LogFilter(),
                                    ["no"] * 14, LABELS, CST, out)
    assert total == 2
    rows = list(load_workbook(out).active.iter_rows(values_only=True))[1:]
    licence = rows[1]
    assert licence[1] == "2026-03-02 09:00:00" and licence[2] == "chen"
    assert licence[4] == "隆阳区市场监管局" and licence[5:7] == ("核查页面", "行政许可审批")
    assert licence[10:14] == (1, 1, "受限", "许可申请2026-7")
    assert rows[0][12] == "未受限"
