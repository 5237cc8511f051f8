"""Every route, walked by every role and by users of another county.

Expected: the page or action (a status below 400, or the action's own refusal
403), 404 for what lies outside the user's scope, or the sign-in page for
anonymous users (401 under /api/). An officer of 腾冲市 (liu) and the joint office
of 腾冲市 (zhao) never learn that a 隆阳区 item exists.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from engine import runtime
from engine.models import (
    Attachment,
    NotificationKind,
    ProcessInstance,
    RegistryUpload,
    SavedFilter,
    WorkItem,
)
from engine.org.tokens import create_token
from engine.work.notifications import notify
from tests.factories import SETUP, make_entity
from tests.portal_records import make_record
from tests.webapp.conftest import Client, start_case
from tests.webapp.credit_check.matrix import arrange_credit
from tests.webapp.dual_notice.notice_matrix import NOTICE_STATES, arrange_notice
from tests.webapp.inspection_matrix import arrange_inspection
from tests.webapp.list_matrix import arrange_list
from tests.webapp.record_matrix import arrange_record
from tests.webapp.spot_check_matrix import arrange_spot_check
from tests.webapp.unlicensed.matrix import arrange_unlicensed

pytestmark = pytest.mark.both_backends  # who sees what is SQL

USERS = ["anonymous", "chen", "zhang", "wang", "admin", "audit", "liu", "zhao"]
LOGIN = "login"  # redirected to the sign-in page (401 JSON under /api/)
EVERYONE = dict.fromkeys(USERS[1:], 200)
VIEWERS = {"chen": 200, "zhang": 200, "wang": 200, "admin": 200, "audit": 200,
           "liu": 404, "zhao": 404}


REGISTRARS = {"chen": 200, "zhang": 200, "wang": 404, "admin": 200, "audit": 404, "liu": 200,
              "zhao": 404}  # officers of a market regulator (AMR), and sysadmins
UPLOADERS = dict(REGISTRARS, liu=404)  # the registrars of the uploading unit's scope
ROUTERS = {"chen": 200, "zhang": 200, "wang": 403, "admin": 200, "audit": 403, "liu": 404,
           "zhao": 404}  # who may act for the entity's registering unit
REVEALERS = dict(ROUTERS, admin=403)  # officers who may read personal data
AUDITORS = dict(dict.fromkeys(USERS[1:], 404), audit=200)  # they read the trail, nothing else
# Officers and administrators of departments read the registry of their unit's area.
SHARERS = {"chen": 200, "zhang": 200, "wang": 404, "admin": 404, "audit": 404, "liu": 200,
           "zhao": 404}
ISSUERS = {"chen": 200, "zhang": 200, "wang": 403, "admin": 403, "audit": 403, "liu": 404,
           "zhao": 404}  # the people of the department that issued a record
ENTERERS = {"chen": 200, "zhang": 200, "wang": 403, "admin": 403, "audit": 403, "liu": 200,
            "zhao": 403}  # the people of a department (who enter records)
ORGANISERS = dict(dict.fromkeys(USERS[1:], 404), zhang=200)  # a department's administrators
KEEPERS = dict(dict.fromkeys(USERS[1:], 404), zhang=303, admin=303)  # the AMR's, sysadmins
# Acting on a task or draw of 隆阳区's regulator: its administrator; others see it, may not.
SC_ORGANISER = dict(dict.fromkeys(USERS[1:], 403), zhang=302)
REPLAYERS = dict(SC_ORGANISER, admin=302, audit=302)  # auditors and administrators
CHECKERS = {"chen": 200, "zhang": 200, "wang": 404, "admin": 200, "audit": 404, "liu": 404,
            "zhao": 404}  # who checked, their department, and system administrators
CATALOGUE_EDITORS = {"chen": 403, "zhang": 200, "wang": 403, "admin": 200, "audit": 403,
                     "liu": 403, "zhao": 403}  # administrators of an AMR, and sysadmins
# The credit-check log: administrators, supervisors and auditors (each within their view).
LOG_READERS = dict(dict.fromkeys(USERS[1:], 200), chen=404, liu=404)
IMPORTERS = {"chen": 200, "zhang": 200, "wang": 404, "admin": 404, "audit": 404, "liu": 404,
             "zhao": 404}  # the people of the department a records file was uploaded for


PROCESS_READERS = dict(dict.fromkeys(USERS[1:], 404), admin=200, zhang=200)  # dept admins read
DEPLOYERS = dict(dict.fromkeys(USERS[1:], 404), admin=200)  # only system administrators change
SAMPLE_XML = Path("bpmn/sample_review.bpmn").read_text(encoding="utf-8")


def expect(base: dict[str, Any], **changes: Any) -> dict[str, Any]:
    return {"anonymous": LOGIN, **base, **changes}


OPERATOR = expect(dict.fromkeys(USERS[1:], 404), admin=200)  # the console: sysadmins only
OPERATOR_ACTS = expect(dict.fromkeys(USERS[1:], 404), admin=302)
def acting(done: int, **others: int) -> dict[str, Any]:
    """Action outcomes: `done` for the users named in others' absence; liu and zhao 404."""
    return expect({u: others.get(u, done) for u in USERS[1:6]}, liu=404, zhao=404)


PDF = {"file": (io.BytesIO(b"%PDF-1.4"), "a.pdf")}
ROUTES: list[tuple[str, str, dict[str, Any] | None, str, dict[str, Any]]] = [
    # method, url, form data, the state the item is in, expected per user
    ("GET", "/inbox/", None, "open", expect(EVERYONE)),
    ("GET", "/inbox/?tab=overdue&priority=1", None, "open", expect(EVERYONE)),
    ("GET", "/tasks/{item}", None, "open", expect(VIEWERS)),
    ("GET", "/tasks/{item}/diagram.bpmn", None, "open", expect(VIEWERS)),
    ("GET", "/tasks/{item}/diagram.json", None, "open", expect(VIEWERS)),
    ("GET", "/tasks/attachments/{attachment}", None, "open", expect(VIEWERS)),
    ("GET", "/monitor/", None, "open", expect(EVERYONE, chen=404, liu=404)),
    ("GET", "/notifications/", None, "open", expect(EVERYONE)),
    ("GET", "/admin/tokens", None, "open", expect(dict.fromkeys(USERS[1:], 404), admin=200)),
    ("GET", "/processes/", None, "open", expect(PROCESS_READERS)),
    ("GET", "/processes/sample_review/versions/1", None, "open", expect(PROCESS_READERS)),
    ("GET", "/processes/sample_review/versions/1/diagram.bpmn", None, "open",
     expect(PROCESS_READERS)),
    ("GET", "/processes/sample_review/diff", None, "open", expect(PROCESS_READERS)),
    ("GET", "/processes/forms/sample_review", None, "open", expect(PROCESS_READERS)),
    ("GET", "/processes/forms/", None, "open", expect(PROCESS_READERS)),
    ("POST", "/processes/forms/sample_review/preview", {"title_zh": "审查"}, "open",
     expect(DEPLOYERS, admin=422)),
    ("POST", "/processes/forms/sample_review", {"title_zh": "审查"}, "open",
     expect(DEPLOYERS, admin=422)),
    ("POST", "/processes/forms/sample_review/redeploy", {}, "open",
     expect(DEPLOYERS, admin=303)),
    ("POST", "/processes/forms/new", {"key": "Bad Key"}, "open",
     expect(DEPLOYERS, admin=422)),
    ("GET", "/processes/new", None, "open", expect(DEPLOYERS)),
    ("GET", "/processes/new.bpmn", None, "open", expect(DEPLOYERS)),
    ("GET", "/processes/sample_review/edit", None, "open", expect(DEPLOYERS)),
    ("GET", "/processes/sample_review/draft.bpmn", None, "open", expect(DEPLOYERS)),
    ("GET", "/processes/modeler.json", None, "open", expect(DEPLOYERS)),
    ("POST", "/processes/copy/sample_review", {}, "open", expect(DEPLOYERS, admin=302)),
    ("JSON", "/processes/draft", {"xml": SAMPLE_XML}, "open", expect(DEPLOYERS)),
    # no draft to deploy: the action's own answer (422) for the one who may deploy
    ("JSON", "/processes/sample_review/deploy", {"comment": "c"}, "open",
     expect(DEPLOYERS, admin=404)),
    ("JSON", "/processes/check", {"source": "x == 1"}, "open", expect(DEPLOYERS)),
    ("GET", "/auth/login", None, "open", {"anonymous": 200, **dict.fromkeys(USERS[1:], 302)}),
    ("GET", "/api/v1/me", None, "open", expect(EVERYONE)),
    ("GET", "/api/v1/inbox?tab=claimable", None, "open", expect(EVERYONE)),
    ("GET", "/api/v1/tasks/{item}", None, "open", expect(VIEWERS)),
    ("GET", "/api/v1/openapi.json", None, "open", {u: 200 for u in USERS}),
    ("POST", "/tasks/{item}/claim", {}, "open", acting(302, wang=403, admin=403, audit=403)),
    ("POST", "/tasks/{item}/release", {}, "held", acting(302, audit=403)),
    ("POST", "/tasks/{item}/assign", {"target": "user:{yang}"}, "held", acting(302, audit=403)),
    ("POST", "/tasks/{item}/complete", {"decision": "approve", "opinion": "同意"}, "open",
     acting(302, wang=403, admin=403, audit=403)),
    ("POST", "/tasks/{item}/return", {"reason": "1", "note": "不属本局"}, "open",
     acting(302, wang=403, admin=403, audit=403)),
    ("POST", "/tasks/{item}/urge", {}, "open", acting(302, chen=403, audit=403)),
    ("POST", "/tasks/{item}/comments", {"body": "意见"}, "open", acting(302, audit=403)),
    ("POST", "/tasks/{item}/attachments", PDF, "open", acting(302, audit=403)),
    ("POST", "/notifications/{notification}/open", {}, "open",
     expect(dict.fromkeys(USERS[1:], 404), chen=302)),
    ("POST", "/notifications/read", {}, "open", expect(dict.fromkeys(USERS[1:], 302))),
    ("POST", "/inbox/filters", {"name": "f", "tab": "mine"}, "open",
     expect(dict.fromkeys(USERS[1:], 302))),
    ("POST", "/inbox/filters/{filter}/delete", {}, "open",
     expect(dict.fromkeys(USERS[1:], 404), chen=302)),
    ("POST", "/admin/tokens", {"name": "registry", "username": "chen"}, "open",
     expect(dict.fromkeys(USERS[1:], 404), admin=200)),
    ("POST", "/admin/tokens/{token}/revoke", {}, "open",
     expect(dict.fromkeys(USERS[1:], 404), admin=302)),
    # the organisation tree: system administrators only
    ("GET", "/admin/units/", None, "open", expect(dict.fromkeys(USERS[1:], 404), admin=200)),
    ("POST", "/admin/units/", {"code": ""}, "open",
     expect(dict.fromkeys(USERS[1:], 404), admin=303)),
    ("GET", "/admin/units/{dept}", None, "pushed",
     expect(dict.fromkeys(USERS[1:], 404), admin=200)),
    ("POST", "/admin/units/{dept}/rename", {"name": "隆阳区市场监督管理局"}, "pushed",
     expect(dict.fromkeys(USERS[1:], 404), admin=302)),
    ("POST", "/admin/units/{dept}/move", {"parent": "{dept}"}, "pushed",
     expect(dict.fromkeys(USERS[1:], 404), admin=303)),
    ("POST", "/admin/units/{dept}/deactivate", {}, "pushed",
     expect(dict.fromkeys(USERS[1:], 404), admin=302)),
    # people: system administrators all, department administrators their department's
    ("GET", "/admin/users", None, "open", expect(dict.fromkeys(USERS[1:], 404), admin=200,
                                                 zhang=200)),
    ("POST", "/admin/users", {"username": ""}, "open",
     expect(dict.fromkeys(USERS[1:], 404), admin=303, zhang=303)),
    ("GET", "/admin/users/{yang}", None, "open",
     expect(dict.fromkeys(USERS[1:], 404), admin=200, zhang=200)),
    ("POST", "/admin/users/{yang}/edit", {"display_name": "杨", "unit": "{dept}",
                                          "roles": "officer"}, "pushed",
     expect(dict.fromkeys(USERS[1:], 404), admin=302, zhang=302)),
    ("POST", "/admin/users/{yang}/reset-password", {}, "open",
     expect(dict.fromkeys(USERS[1:], 404), admin=302, zhang=302)),
    ("POST", "/admin/users/{yang}/sign-out", {}, "open",
     expect(dict.fromkeys(USERS[1:], 404), admin=302)),
    ("POST", "/admin/users/{yang}/deactivate", {}, "open",
     expect(dict.fromkeys(USERS[1:], 404), admin=302, zhang=302)),
    ("POST", "/admin/users/{yang}/email", {"email": "yang@amr.example.cn"}, "open",
     expect(dict.fromkeys(USERS[1:], 404), admin=302)),
    ("GET", "/admin/users/import", None, "open",
     expect(dict.fromkeys(USERS[1:], 404), admin=200, zhang=200)),
    ("POST", "/admin/users/import", {}, "open",
     expect(dict.fromkeys(USERS[1:], 404), admin=303, zhang=303)),
    ("GET", "/admin/users/import/template.xlsx", None, "open",
     expect(dict.fromkeys(USERS[1:], 404), admin=200, zhang=200)),
    # a sheet of people is its uploader's alone
    ("GET", "/admin/users/imports/{people_upload}", None, "people_upload",
     expect(dict.fromkeys(USERS[1:], 404), admin=200)),
    ("POST", "/admin/users/imports/{people_upload}/create", {}, "people_upload",
     expect(dict.fromkeys(USERS[1:], 404), admin=302)),
    # the operations console: system administrators only
    ("GET", "/operations/", None, "open", OPERATOR),
    ("GET", "/operations/instances?status=waiting", None, "open", OPERATOR),
    ("GET", "/operations/instances/{instance}", None, "open", OPERATOR),
    ("POST", "/operations/instances/{instance}/suspend", {"reason": "核实"}, "open",
     OPERATOR_ACTS),
    ("POST", "/operations/instances/{instance}/variable", {"name": "x", "value": "1"}, "open",
     OPERATOR_ACTS),
    ("GET", "/operations/incidents", None, "open", OPERATOR),
    ("POST", "/operations/incidents/retry", {"incident": "1"}, "open", OPERATOR_ACTS),
    ("GET", "/operations/timers", None, "open", OPERATOR),
    ("GET", "/operations/versions/{definition}", None, "open", OPERATOR),
    ("GET", "/operations/versions/{definition}/diagram.bpmn", None, "open", OPERATOR),
    ("GET", "/operations/versions/{definition}/counts.json", None, "open", OPERATOR),
    # the routing table: system administrators only
    ("GET", "/routing/", None, "open", OPERATOR),
    ("GET", "/routing/versions/1.dmn", None, "open", OPERATOR),
    ("GET", "/routing/draft", None, "open", OPERATOR),
    ("POST", "/routing/draft", {"terms-0": "餐饮服务", "then": "save"}, "open", OPERATOR_ACTS),
    ("POST", "/routing/draft/deploy", {"comment": ""}, "open", OPERATOR_ACTS),
    ("POST", "/routing/draft/discard", {}, "open", OPERATOR_ACTS),
    # the practice copy: anyone switches (once it is made); system administrators make it
    ("GET", "/practice/", None, "open", expect(EVERYONE)),
    ("POST", "/practice/enter", {}, "open", expect(dict.fromkeys(USERS[1:], 302))),
    ("POST", "/practice/leave", {}, "open", expect(dict.fromkeys(USERS[1:], 302))),
    ("POST", "/practice/reset", {}, "open", OPERATOR_ACTS),
    ("GET", "/auth/password", None, "open", expect(EVERYONE)),
    ("POST", "/auth/password", {"current": "not-it", "new": "another-pass-2",
                                "again": "another-pass-2"}, "open", expect(EVERYONE)),
    ("POST", "/auth/language", {"locale": "en"}, "open", {u: 302 for u in USERS}),
    ("POST", "/auth/logout", {}, "open", {u: LOGIN for u in USERS}),
    ("JSON", "/api/v1/tasks/{item}/claim", {}, "open",
     acting(200, wang=403, admin=403, audit=403)),
    ("JSON", "/api/v1/tasks/{item}/release", {}, "held", acting(200, audit=403)),
    ("JSON", "/api/v1/tasks/{item}/assign", {"user_id": "{yang}"}, "held",
     acting(200, audit=403)),
    ("JSON", "/api/v1/tasks/{item}/complete", {"data": {"decision": "approve",
                                                          "opinion": "同意"}}, "open",
     acting(200, wang=403, admin=403, audit=403)),
    ("JSON", "/api/v1/tasks/{item}/return", {"reason": "1", "note": "不属本局"}, "open",
     acting(200, wang=403, admin=403, audit=403)),
    # dual notices, the registry and entities
    ("GET", "/notices/", None, "pushed", expect(EVERYONE)),
    ("GET", "/notices/{notice}", None, "pushed", expect(VIEWERS)),
    ("GET", "/notices/directory", None, "pushed", expect(EVERYONE)),
    ("GET", "/notices/figures", None, "pushed", expect(EVERYONE, chen=404, liu=404)),
    ("GET", "/notices/figures.xlsx", None, "pushed", expect(EVERYONE, chen=404, liu=404)),
    ("POST", "/notices/{notice}/claim", {}, "pushed", acting(302, wang=403, admin=403, audit=403)),
    ("POST", "/notices/{notice}/return", {"reason": "1", "note": "不属本局"}, "pushed",
     acting(302, wang=403, admin=403, audit=403)),
    ("POST", "/notices/{notice}/dispatch", {"target": "user:{yang}"}, "claimed",
     acting(302, audit=403)),
    # The outcome is the claimer's (chen): his colleague meets his hold, others a 403.
    ("POST", "/notices/{notice}/outcome", {"outcome": "not_applied"}, "claimed",
     acting(302, zhang=409, wang=403, admin=403, audit=403)),
    ("POST", "/notices/{notice}/revoke", {"reason": "认领错误"}, "claimed",
     acting(302, chen=403, wang=403, audit=403)),
    ("POST", "/notices/{notice}/reroute", {"licence_item": "AMR-FOOD-SERVICE",
                                           "department": "{other_dept}"}, "returned", acting(403)),
    ("POST", "/notices/{notice}/terminate", {"note": "已注销"}, "returned", acting(403)),
    ("GET", "/registry/imports", None, "pushed", expect(REGISTRARS)),
    ("POST", "/registry/imports", {"file": ("x", "a.csv")}, "pushed",
     expect({u: 302 if s == 200 else s for u, s in REGISTRARS.items()})),
    ("GET", "/registry/imports/{upload}", None, "pushed", expect(UPLOADERS)),
    ("GET", "/registry/imports/{upload}/progress", None, "pushed", expect(UPLOADERS)),
    ("POST", "/registry/imports/{upload}/import", {}, "pushed",
     expect({u: 302 if s == 200 else s for u, s in UPLOADERS.items()})),
    ("POST", "/registry/imports/{upload}/discard", {}, "pushed",
     expect({u: 302 if s == 200 else s for u, s in UPLOADERS.items()})),
    ("GET", "/registry/pool", None, "pushed", expect(REGISTRARS)),
    ("POST", "/registry/entities/{entity}/route", {"licence_item": "AMR-FOOD-SERVICE",
                                                   "department": "{dept}"}, "failed",
     expect({u: 302 if s == 200 else s for u, s in UPLOADERS.items()})),
    ("POST", "/registry/entities/{entity}/no-notice", {"reason": "经营范围无需许可"}, "failed",
     expect({u: 302 if s == 200 else s for u, s in UPLOADERS.items()})),
    ("GET", "/registry/returned", None, "pushed", expect(REGISTRARS)),
    ("GET", "/registry/entities?name=保山&status=存续", None, "pushed", expect(SHARERS)),
    ("GET", "/registry/entities.xlsx?name=保山", None, "pushed", expect(SHARERS)),
    ("GET", "/api/v1/entities?changed_since=2026-01-01T00:00:00Z", None, "pushed",
     expect({u: 403 if s == 404 else s for u, s in SHARERS.items()})),
    ("GET", "/entities/", None, "pushed", expect(EVERYONE)),
    ("GET", "/audit/?action=task.&since=2026-01-01", None, "open", expect(AUDITORS)),
    ("GET", "/audit/events.xlsx?actor=chen", None, "open", expect(AUDITORS)),
    ("POST", "/audit/verify", {}, "open", expect(AUDITORS, audit=302)),
    ("GET", "/audit/reveals?until=2026-12-31", None, "pushed", expect(AUDITORS)),
    ("GET", "/audit/reveals.xlsx", None, "pushed", expect(AUDITORS)),
    ("GET", "/entities/{entity}", None, "pushed", expect(VIEWERS)),
    # the working-day calendar: managers look, system administrators change
    ("GET", "/calendar/?area=530502&year=2026", None, "open", expect(EVERYONE, chen=404,
                                                                     liu=404)),
    ("POST", "/calendar/day", {"area": "530502", "day": "2026-04-15", "status": "off"}, "open",
     expect({u: 404 for u in USERS[1:]}, admin=302)),
    ("POST", "/calendar/import", {"area": "*", "file": (None, "a.json")}, "open",
     expect({u: 404 for u in USERS[1:]}, admin=302)),
    # enterprise information (records of 隆阳区's market regulator, entered by chen)
    ("GET", "/records/", None, "record_draft", expect(EVERYONE)),
    ("GET", "/records/new/penalty", None, "open", expect(ISSUERS, liu=200, zhao=403)),
    ("POST", "/records/new/penalty", {"party_uscc": "x"}, "open", expect(
        {u: 303 if u in ("chen", "zhang", "liu") else 403 for u in USERS[1:]})),
    ("GET", "/records/{record}", None, "record_draft", expect(VIEWERS)),
    ("GET", "/records/{record}/edit", None, "record_draft", expect(ISSUERS)),
    ("POST", "/records/{record}/edit", {"party_uscc": "x"}, "record_draft", acting(
        303, wang=403, admin=403, audit=403)),
    ("POST", "/records/{record}/submit", {}, "record_draft", acting(
        302, wang=403, admin=403, audit=403)),
    ("POST", "/records/{record}/review", {"decision": "approve"}, "record_submitted", acting(
        403, zhang=302)),
    ("POST", "/records/{record}/steps/{record_item}", {"decision": "approve"},
     "record_submitted", acting(403, zhang=302)),
    ("POST", "/records/{record}/revoked", {"reason": "复议撤销决定"}, "record_published",
     acting(302, wang=403, admin=403, audit=403)),
    ("POST", "/records/{record}/repair", {"statement": "已缴纳罚款"}, "record_published",
     acting(403)),
    ("GET", "/records/imports", None, "open", expect(ENTERERS)),
    ("POST", "/records/imports/upload", {"category": "penalty", "file": ("x", "a.csv")},
     "open", expect({u: 302 if s == 200 else s for u, s in ENTERERS.items()})),
    ("GET", "/records/imports/{records_upload}", None, "record_upload", expect(IMPORTERS)),
    ("GET", "/records/imports/{records_upload}/progress", None, "record_upload",
     expect(IMPORTERS)),
    ("POST", "/records/imports/{records_upload}/import", {}, "record_upload",
     expect({u: 302 if s == 200 else s for u, s in IMPORTERS.items()})),
    ("POST", "/records/imports/{records_upload}/discard", {}, "record_upload",
     expect({u: 302 if s == 200 else s for u, s in IMPORTERS.items()})),
    ("GET", "/records/imports/template/penalty.csv", None, "open", expect(ENTERERS)),
    ("POST", "/records/imports/setting", {"direct_publication": "y"}, "open",
     expect({u: 403 for u in USERS[1:]}, zhang=302)),
    ("GET", "/records/figures", None, "open", expect(EVERYONE, chen=404, liu=404)),
    ("GET", "/records/figures.xlsx", None, "open", expect(EVERYONE, chen=404, liu=404)),
    ("POST", "/entities/{entity}/reveal", {"reason": "联系申请人"}, "pushed", expect(REVEALERS)),
    ("GET", "/entities/{entity}/letter", None, "pushed", expect(ROUTERS)),
    ("POST", "/entities/{entity}/commitments", {"signed_on": "2026-01-05",
                                                "scan": ("x", "scan.pdf")}, "pushed",
     expect({u: 302 if s == 200 else s for u, s in ROUTERS.items()})),
    ("GET", "/entities/commitments/{commitment}/scan", None, "pushed", expect(ROUTERS)),
    ("JSON", "/api/v1/signals", {"name": "nobody_waits"}, "open",
     expect({u: 403 for u in USERS[1:]}, admin=200)),
    ("JSON", "/api/v1/messages", {"name": "nobody_waits"}, "open",
     expect({u: 403 for u in USERS[1:]}, admin=200)),
    ("JSON", "/api/v1/registrations", {"registrations": [
        {"uscc": "91530502MA6K0000XB", "name": "保山永昌餐饮有限公司", "area_code": "530502",
         "business_scope": "餐饮服务", "established_on": "2026-01-05"}]}, "pushed",
     expect(REGISTRARS, wang=403, audit=403, zhao=403)),
    # unlicensed operation (a public report received by 隆阳区's market regulator, at triage)
    ("GET", "/unlicensed/", None, "unlicensed", expect(EVERYONE)),
    ("GET", "/unlicensed/new", None, "open", expect(ENTERERS)),
    ("POST", "/unlicensed/new", {"source": "inspection"}, "open", expect(ENTERERS, chen=303,
                                                                          zhang=303, liu=303)),
    ("GET", "/unlicensed/{unlicensed_case}", None, "unlicensed", expect(VIEWERS)),
    ("POST", "/unlicensed/{unlicensed_case}/steps/{unlicensed_item}",
     {"missing": "business_licence", "triage_note": "现场无营业执照"}, "unlicensed",
     acting(403, chen=303, zhang=303)),
    ("GET", "/unlicensed/copies", None, "open", expect(EVERYONE)),
    ("GET", "/unlicensed/copies?box=sent", None, "open", expect(EVERYONE)),
    ("GET", "/unlicensed/figures", None, "open", expect(EVERYONE, chen=404, liu=404)),
    ("GET", "/unlicensed/figures.xlsx", None, "open", expect(EVERYONE, chen=404, liu=404)),
    ("GET", "/public/unlicensed/report", None, "public", {u: 200 for u in USERS}),
    ("POST", "/public/unlicensed/report", {"area_code": "530502", "name": "x",
                                           "summary": "0123456789ab"},
     "public", {u: 400 for u in USERS}),
    ("GET", "/public/unlicensed/report/sent", None, "public", {u: 200 for u in USERS}),
    # The public portal: no sign-in; a post without the form's signed token is refused alike.
    ("GET", "/public/?q=测试", None, "public", {u: 200 for u in USERS}),
    ("GET", "/public/{uscc}", None, "public", {u: 200 for u in USERS}),
    ("GET", "/public/{uscc}/report", None, "public", {u: 200 for u in USERS}),
    ("GET", "/public/{uscc}/report.pdf", None, "public", {u: 200 for u in USERS}),
    ("GET", "/lists/", None, "open", expect(EVERYONE)),
    ("GET", "/lists/new", None, "open", expect(EVERYONE)),
    ("POST", "/lists/new", {"list_type": "abnormal", "uscc": "x"}, "open",
     expect(dict.fromkeys(USERS[1:], 303))),
    ("GET", "/lists/{entry}", None, "list_proposed", expect(EVERYONE)),
    ("POST", "/lists/{entry}/steps/{list_item}", {"decision": "list"}, "list_proposed",
     acting(403, zhang=302)),
    ("POST", "/lists/{entry}/apply/removal", {"reason": "corrected", "text": "已改正"},
     "list_listed", expect(dict.fromkeys(USERS[1:], 403), chen=302, zhang=302)),
    ("GET", "/lists/figures", None, "open", expect(EVERYONE, chen=404, liu=404)),
    ("GET", "/lists/figures.xlsx", None, "open", expect(EVERYONE, chen=404, liu=404)),
    ("GET", "/public/records/{ref}/objection", None, "public", {u: 200 for u in USERS}),
    ("POST", "/public/records/{ref}/objection", {"contact": "x", "text": "0123456789ab"},
     "public", {u: 400 for u in USERS}),
    ("GET", "/public/records/{ref}/objection/sent", None, "public", {u: 200 for u in USERS}),
    # spot checks: everyone reads; the department's administrators plan, create and draw
    ("GET", "/spot-checks/", None, "spot_check", expect(EVERYONE)),
    ("POST", "/spot-checks/plans", {"year": "", "title": ""}, "spot_check",
     expect({u: 303 if s == 200 else s for u, s in ORGANISERS.items()})),
    ("GET", "/spot-checks/plans/{sc_plan}", None, "spot_check", expect(EVERYONE)),
    ("POST", "/spot-checks/plans/{sc_plan}/file", {}, "spot_check",
     expect({u: 302 if s == 200 else s for u, s in ORGANISERS.items()})),
    ("POST", "/spot-checks/plans/{sc_plan}/decide", {"decision": "approve"}, "spot_check",
     expect(ORGANISERS, zhang=403)),  # the level above decides: none in this world
    ("GET", "/spot-checks/items", None, "spot_check", expect(EVERYONE)),
    ("POST", "/spot-checks/items", {"code": ""}, "spot_check", expect(KEEPERS)),
    ("GET", "/spot-checks/officers", None, "spot_check", expect(EVERYONE)),
    ("POST", "/spot-checks/officers/qualifications", {"officer": "{yang}", "tag": "食品"},
     "spot_check", expect({u: 302 if s == 303 else s for u, s in KEEPERS.items()})),
    ("POST", "/spot-checks/officers/conflicts", {"uscc": "x", "relation": ""}, "spot_check",
     expect(dict.fromkeys(USERS[1:], 404), chen=303, liu=303)),  # officers, for themselves
    ("GET", "/spot-checks/pools", None, "spot_check", expect(EVERYONE)),
    # risk classes: the market regulator's administrators (zhang), not sysadmins
    ("GET", "/spot-checks/risk-classes", None, "spot_check", expect(ORGANISERS)),
    ("POST", "/spot-checks/risk-classes", {"uscc": ""}, "spot_check",
     expect(dict(ORGANISERS, zhang=303))),
    ("POST", "/spot-checks/risk-classes/upload", {"reason": ""}, "spot_check",
     expect(dict(ORGANISERS, zhang=422))),
    ("POST", "/spot-checks/pools", {"name": ""}, "spot_check",
     expect({u: 303 if s == 200 else s for u, s in ORGANISERS.items()})),
    ("GET", "/spot-checks/tasks/new", None, "spot_check", expect(ORGANISERS)),
    ("POST", "/spot-checks/tasks/new", {"title": ""}, "spot_check",
     expect({u: 303 if s == 200 else s for u, s in ORGANISERS.items()})),
    ("GET", "/spot-checks/tasks/{sc_task}", None, "spot_check", expect(EVERYONE)),
    ("POST", "/spot-checks/tasks/{sc_task}/draw", {}, "spot_check", expect(SC_ORGANISER)),
    ("POST", "/spot-checks/draws/{sc_draw}/verify", {}, "spot_check", expect(REPLAYERS)),
    ("POST", "/spot-checks/draws/{sc_draw}/release", {}, "spot_check", expect(SC_ORGANISER)),
    ("POST", "/spot-checks/draws/{sc_draw}/void", {"reason": "抽取范围错误"}, "spot_check",
     expect(SC_ORGANISER)),
    ("POST", "/spot-checks/draws/{sc_draw}/recuse", {"target": "{sc_entity}:{sc_officer}",
                                                     "reason": "曾在该企业任职"}, "spot_check",
     expect(SC_ORGANISER)),
    # spot-check inspections (drawn for chen and yang of 隆阳区's market regulator)
    ("GET", "/inspections/", None, "inspection_inspect", expect(EVERYONE)),
    ("GET", "/inspections/{inspection}", None, "inspection_inspect", expect(VIEWERS)),
    ("POST", "/inspections/{inspection}/field", {"answer_SC-01.1": "ok", "findings": "正常"},
     "inspection_inspect", acting(302, zhang=403, wang=403, admin=403, audit=403)),
    ("POST", "/inspections/{inspection}/photos", {"photo": ("x", "a.jpg")},  # not a JPEG
     "inspection_inspect", acting(303, zhang=403, wang=403, admin=403, audit=403)),
    ("POST", "/inspections/{inspection}/confirm", {}, "inspection_inspect",
     acting(302, zhang=403, wang=403, admin=403, audit=403)),
    ("POST", "/inspections/{inspection}/steps/{inspection_item}", {"decision": "approve"},
     "inspection_review", acting(302, chen=403, wang=403, admin=403, audit=403)),
    ("POST", "/inspections/{inspection}/objection", {"objection": "企业对结果有异议"},
     "inspection_published", acting(302, wang=403, admin=403, audit=403)),
    ("GET", "/inspections/figures", None, "open", expect(EVERYONE, chen=404, liu=404)),
    ("GET", "/inspections/figures.xlsx", None, "open", expect(EVERYONE, chen=404, liu=404)),
    # joint punishment: the credit check (chen of 隆阳区's market regulator checked an entity)
    ("GET", "/credit-check/", None, "credit", expect(EVERYONE)),
    ("POST", "/credit-check/", {"uscc": "{credit_uscc}", "action": "licence"}, "credit",
     expect(dict.fromkeys(USERS[1:], 302))),
    ("POST", "/credit-check/batch", {"action": "licence", "file": ("x", "a.csv")}, "credit",
     expect(dict.fromkeys(USERS[1:], 303))),
    ("GET", "/credit-check/checks/{credit_check}", None, "credit", expect(CHECKERS)),
    ("GET", "/credit-check/checks/{credit_check}.xlsx", None, "credit", expect(CHECKERS)),
    ("GET", "/credit-check/catalogue", None, "credit", expect(EVERYONE)),
    ("GET", "/credit-check/catalogue/measure", None, "credit", expect(CATALOGUE_EDITORS)),
    ("POST", "/credit-check/catalogue/measure", {"code": "x"}, "credit", expect(
        {u: 303 if s == 200 else s for u, s in CATALOGUE_EDITORS.items()})),
    ("POST", "/credit-check/catalogue/remove", {"code": "M01", "comment": "废止"}, "credit",
     expect({u: 302 if s == 200 else s for u, s in CATALOGUE_EDITORS.items()})),
    ("GET", "/credit-check/feedback", None, "credit", expect(EVERYONE)),
    # wang's joint-meeting office answers for the implementing departments 隆阳区 lacks
    ("POST", "/credit-check/feedback/{credit_hit}", {"outcome": "restricted"}, "credit",
     expect(dict.fromkeys(USERS[1:], 404), chen=302, zhang=302, wang=302)),
    ("GET", "/credit-check/figures", None, "open", expect(EVERYONE, chen=404, liu=404)),
    ("GET", "/credit-check/figures.xlsx", None, "open", expect(EVERYONE, chen=404, liu=404)),
    ("GET", "/credit-check/log?result=restricted", None, "credit", expect(LOG_READERS)),
    ("GET", "/credit-check/log.xlsx", None, "credit", expect(LOG_READERS)),
    ("JSON", "/api/v1/credit-check", {"uscc": "{credit_uscc}", "action": "licence"}, "credit",
     expect(EVERYONE)),
    ("JSON", "/api/v1/records", {"category": "penalty", "records": [
        {"party_uscc": "91530502MA6K0000XB", "party_name": "保山永昌餐饮有限公司"}]}, "open",
     expect(ENTERERS)),
]


def arrange(app_sessions, world, state: str, upload_dir: Any = None) -> dict[str, Any]:
    """A fresh 隆阳区 case (held by chen if asked) with a file, a notification, a filter."""
    item = start_case(app_sessions)
    with app_sessions() as session:
        if state == "held":
            runtime.claim(session, world.actor("chen"), item.id)
        attachment = Attachment(instance_id=item.instance_id, work_item_id=item.id,
                                uploaded_by_id=world.users["chen"].id, filename="a.pdf",
                                content_type="application/pdf", size=4, sha256="0" * 64,
                                stored_name=f"x{item.id}", created_at=item.created_at)
        session.add(attachment)
        note = notify(session, world.users["chen"].id, NotificationKind.ASSIGNED,
                      session.get(WorkItem, item.id))
        saved = SavedFilter(user_id=world.users["chen"].id, name=f"f{item.id}", tab="mine",
                            params={}, created_at=item.created_at)
        session.add(saved)
        token, _secret = create_token(session, SETUP, f"t{item.id}", "admin")
        ids = {"item": item.id, "attachment": attachment.id, "notification": note.id,
               "filter": saved.id, "token": token.id, "yang": world.users["yang"].id,
               "instance": item.instance_id,
               "definition": session.get(ProcessInstance, item.instance_id).definition_id}
        if state in NOTICE_STATES:
            ids.update(arrange_notice(session, world, state, upload_dir))
        if state.startswith("record_"):
            ids.update(arrange_record(session, world, state))
        if state.startswith("list_"):
            ids.update(arrange_list(session, world, state))
        if state == "spot_check":
            ids.update(arrange_spot_check(session, world))
        if state.startswith("inspection_"):
            ids.update(arrange_inspection(session, world, state))
        if state == "credit":
            ids.update(arrange_credit(session, world, upload_dir))
        if state == "unlicensed":
            ids.update(arrange_unlicensed(session))
        if state == "people_upload":
            upload = RegistryUpload(
                kind="people", file_name="people.xlsx", stored_name="gone.xlsx",
                uploaded_by_id=world.users["admin"].id,
                org_unit_id=world.users["admin"].org_unit_id, state="checked", rows_read=1,
                rows_valid=0, rows_invalid=1, problems=[[2, "用户名", "user name taken: yang"]],
                result={"planned": []}, created_at=item.created_at, updated_at=item.created_at)
            session.add(upload)
            session.flush()
            ids["people_upload"] = upload.id
        if state == "public":
            entity = make_entity(session)
            record = make_record(session, entity, world.units["530502-amr"])
            ids.update(uscc=entity.uscc, ref=record.public_ref)
        session.commit()
        return ids


def fill(value: Any, ids: dict[str, Any]) -> Any:
    if isinstance(value, str):
        text = value.format(**ids)
        return int(text) if value.startswith("{") and text.isdigit() else text
    if isinstance(value, dict):
        return {k: fill(v, ids) for k, v in value.items()}
    if isinstance(value, tuple):
        return (io.BytesIO(b"%PDF-1.4"), value[1])
    return value


def outcome(response, url: str) -> Any:
    location = response.headers.get("Location", "")
    if response.status_code == 302 and location.startswith("/auth/login"):
        return LOGIN
    if response.status_code == 401 and url.startswith("/api/"):
        return LOGIN
    return response.status_code


def send(client: Client, method: str, url: str, data: Any) -> Any:
    if method == "GET":
        return client.get(url)
    if method == "JSON":
        return client.post_json(url, data)
    return client.post(url, data, content_type="multipart/form-data")


@pytest.mark.parametrize(("method", "url", "data", "state", "expected"), ROUTES,
                         ids=[f"{m} {u}" for m, u, *_ in ROUTES])
def test_route(app: Flask, app_sessions, world, method, url, data, state, expected):
    (app.extensions["creditflow.settings"].upload_dir).mkdir(parents=True, exist_ok=True)
    seen = {}
    for user in USERS:
        ids = arrange(app_sessions, world, state, app.extensions["creditflow.settings"].upload_dir)
        with app_sessions() as session:
            for row in session.execute(select(Attachment)).scalars():
                (app.extensions["creditflow.settings"].upload_dir / row.stored_name
                 ).write_bytes(b"%PDF")
        client = Client(app.test_client())
        if user != "anonymous":
            assert client.login(user).status_code == 302
        target = url.format(**ids)
        seen[user] = outcome(send(client, method, target, fill(data, ids)), target)
        app.extensions["creditflow.jobs"].wait(30)  # uploads are checked in the background
    assert seen == expected


def test_every_route_is_in_the_matrix(app: Flask):
    walked = {url.split("?")[0].replace("{item}", "<int:item_id>")
              .replace("{attachment}", "<int:attachment_id>")
              .replace("{notification}", "<int:notification_id>")
              .replace("{filter}", "<int:filter_id>").replace("{token}", "<int:token_id>")
              .replace("{notice}", "<int:notice_id>").replace("{entity}", "<int:entity_id>")
              .replace("{upload}", "<int:upload_id>")
              .replace("{records_upload}", "<int:upload_id>")
              .replace("{people_upload}", "<int:upload_id>")
              .replace("{instance}/suspend", "{instance}/<any(suspend, resume, terminate):action>")
              .replace("{instance}", "<int:instance_id>")
              .replace("{definition}", "<int:definition_id>")
              .replace("/routing/versions/1.dmn", "/routing/versions/<int:version>.dmn")
              .replace("{record}", "<int:record_id>").replace("{record_item}", "<int:item_id>")
              .replace("{entry}", "<int:entry_id>").replace("{list_item}", "<int:item_id>")
              .replace("/apply/removal", "/apply/<kind>")
              .replace("{inspection}", "<int:inspection_id>")
              .replace("{inspection_item}", "<int:item_id>")
              .replace("/new/penalty", "/new/<category>")
              .replace("/template/penalty.csv", "/template/<category>.csv")
              .replace("{commitment}", "<int:commitment_id>")
              .replace("{yang}", "<int:user_id>")
              .replace("/admin/units/{dept}", "/admin/units/<int:unit_id>")
              .replace("{uscc}", "<uscc>").replace("{ref}", "<ref>")
              .replace("{sc_plan}", "<int:plan_id>").replace("{sc_task}", "<int:task_id>")
              .replace("{sc_draw}", "<int:draw_id>")
              .replace("{credit_check}", "<int:check_id>")
              .replace("{credit_hit}", "<int:hit_id>")
              .replace("{unlicensed_case}", "<int:case_id>")
              .replace("{unlicensed_item}", "<int:item_id>")
              .replace("/processes/sample_review", "/processes/<key>")
              .replace("/versions/1", "/versions/<int:number>")
              .replace("/forms/sample_review", "/forms/<form_key>")
              .replace("/copy/sample_review", "/copy/<name>")
              for _m, url, *_ in ROUTES}
    routes = {rule.rule for rule in app.url_map.iter_rules()} - {"/", "/static/<path:filename>"}
    assert routes - walked == set()
