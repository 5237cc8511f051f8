"""Deployment: versions, no-op redeploys, and every reason a diagram is refused."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from engine.errors import DeploymentError
from engine.models import AuditEvent, ProcessDefinition
from engine.runtime.deploy import deploy
from tests.factories import SETUP, make_world, sample_files, start_sample

SAMPLE_NAME, SAMPLE_XML = sample_files()[0]


def refused(session, xml: bytes, name: str = "broken.bpmn") -> DeploymentError:
    with pytest.raises(DeploymentError) as caught:
        deploy(session, SETUP, [(name, xml)])
    return caught.value


def test_identical_content_is_a_no_op(session):
    first, created = deploy(session, SETUP, sample_files())
    again, created_again = deploy(session, SETUP, sample_files())
    assert created and not created_again
    assert again.id == first.id and first.version == 1
    assert session.execute(select(func.count(ProcessDefinition.id))).scalar() == 1
    deploys = session.execute(select(func.count(AuditEvent.id)).where(
        AuditEvent.action == "process.deploy")).scalar()
    assert deploys == 1


def test_changed_content_is_the_next_version_and_running_cases_stay(session):
    make_world(session)  # deploys version 1
    row = start_sample(session)
    changed = SAMPLE_XML.replace(b'value="3"', b'value="4"')
    second, created = deploy(session, SETUP, [(SAMPLE_NAME, changed)])
    assert created and second.version == 2 and second.key == "sample_review"
    assert row.definition.version == 1
    newer = start_sample(session)
    assert newer.definition.version == 2


def test_spec_is_stored_once_per_version_not_per_instance(session):
    make_world(session)
    row = start_sample(session)
    assert '"task_specs"' not in row.state
    assert len(row.state) < len(row.definition.spec_json)


def test_not_bpmn_is_refused(session):
    error = refused(session, b"<note><to>Tove</to></note>", "note.xml")
    assert error.problems[0].file == "note.xml"
    assert "not a BPMN" in error.problems[0].reason


def test_malformed_xml_is_refused(session):
    error = refused(session, b"<bpmn:definitions", "cut.bpmn")
    assert "not well-formed" in error.problems[0].reason


def test_xxe_is_refused_and_reads_nothing(session):
    xxe = (b'<?xml version="1.0"?>\n<!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
           + SAMPLE_XML.split(b"?>", 1)[1].replace(b'name="start"', b'name="&x;"', 1))
    error = refused(session, xxe)
    assert "DTD" in error.problems[0].reason
    assert "root:" not in str(error)


def test_billion_laughs_is_refused_quickly(session):
    lol = b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">' + b"".join(
        f'<!ENTITY lol{i} "{("&lol%s;" % (i - 1 if i > 1 else "")) * 10}">'.encode()
        for i in range(1, 10)) + b']>\n<lolz>&lol9;</lolz>'
    error = refused(session, lol)
    assert "DTD" in error.problems[0].reason


def test_a_diagram_spiff_cannot_parse_is_refused_with_its_element(session):
    xml = SAMPLE_XML.replace(b'targetRef="decision_gateway"', b'targetRef="nowhere"')
    error = refused(session, xml)
    assert error.problems[0].file == "broken.bpmn"
    assert "nowhere" in str(error) or error.problems[0].element


def test_user_task_in_a_lane_without_rule_is_refused(session):
    xml = SAMPLE_XML.replace(b'name="\xe7\x99\xbb\xe8\xae\xb0\xe6\x9c\xba\xe5\x85\xb3 registrar"',
                             b'name="somebody"')
    error = refused(session, xml)
    problem = error.problems[0]
    assert problem.element == "handle_rejection"
    assert "lane 'somebody'" in problem.reason
    assert (problem.code, problem.params) == ("lane_without_rule", {"lane": "somebody"})


def test_form_key_without_form_is_refused(session):
    xml = SAMPLE_XML.replace(b'value="sample_rejection"', b'value="no_such_form"')
    error = refused(session, xml)
    assert error.problems[0].element == "handle_rejection"
    assert "no_such_form" in error.problems[0].reason
    assert (error.problems[0].code, error.problems[0].params) == (
        "form_missing", {"form": "no_such_form"})


@pytest.mark.parametrize("old, new, element, what", [
    (b'outcome = "approved"', b"import os", "record_approval", "script"),
    (b'outcome = "approved"', b"x = ().__class__.__mro__", "record_approval", "script"),
    (b'decision == "approve"', b"open('/etc/passwd').read()", "decision_gateway", "condition"),
    (b"workdays_from_today(2)", b"__import__('os').system('id')", "reminder_timer",
     "timer expression"),
])
def test_unsafe_code_is_refused_at_deploy(session, old, new, element, what):
    error = refused(session, SAMPLE_XML.replace(old, new))
    problem = error.problems[0]
    assert problem.element == element
    assert problem.reason.startswith(what)
    assert problem.code == "code_refused" and problem.params["what"] == what
    assert session.execute(select(func.count(ProcessDefinition.id))).scalar() == 0


def test_every_problem_is_reported_at_once(session):
    xml = (SAMPLE_XML.replace(b'value="sample_rejection"', b'value="missing_form"')
           .replace(b'outcome = "approved"', b"import os"))
    error = refused(session, xml)
    assert {p.element for p in error.problems} == {"handle_rejection", "record_approval"}


def _declared(encoding: str) -> str:
    body = SAMPLE_XML.decode("utf-8").split("?>", 1)[1]
    return f'<?xml version="1.0" encoding="{encoding}"?>{body}'


@pytest.mark.parametrize(("label", "content"), [
    ("UTF-16 LE with BOM", _declared("UTF-16").encode("utf-16")),
    ("UTF-16 BE without BOM", _declared("UTF-16BE").encode("utf-16-be")),
    ("UTF-16 LE without declaration", _declared("UTF-16").split("?>", 1)[1].encode("utf-16-le")),
    ("UTF-8 with BOM", b"\xef\xbb\xbf" + SAMPLE_XML),
    ("GBK declared", _declared("GBK").encode("gbk")),
])
def test_a_diagram_in_any_declared_encoding_deploys_and_runs(session, label, content):
    make_world(session)
    definition, created = deploy(session, SETUP, [(SAMPLE_NAME, content)])
    assert created and definition.version == 2, label
    assert start_sample(session).definition.version == 2


def test_a_file_not_in_its_declared_encoding_is_a_deploy_error(session):
    error = refused(session, _declared("UTF-8").encode("utf-8").replace(b"<bpmn:", b"<\xff:", 1))
    assert "UTF-8" in error.problems[0].reason
    error = refused(session, _declared("no-such-codec").encode())
    assert "no-such-codec" in error.problems[0].reason


def test_a_dtd_in_utf16_is_refused_like_any_other(session):
    xxe = ('<?xml version="1.0" encoding="UTF-16"?>\n<!DOCTYPE d [<!ENTITY x SYSTEM '
           '"file:///etc/passwd">]>\n<d>&x;</d>').encode("utf-16")
    assert "DTD" in refused(session, xxe).problems[0].reason


@pytest.mark.parametrize("value", ["nowhere", "review"])
def test_holder_from_must_name_another_user_task(session, value):
    """`holderFrom` hands a task to whoever completed an earlier one: it must name another
    user task of the process (the review itself, or nothing, is refused)."""
    xml = SAMPLE_XML.replace(b'<spiffworkflow:property name="dueWorkingDays" value="3" />',
                             b'<spiffworkflow:property name="dueWorkingDays" value="3" />'
                             b'<spiffworkflow:property name="holderFrom" value="'
                             + value.encode() + b'" />', 1)
    assert b"holderFrom" in xml
    error = refused(session, xml, SAMPLE_NAME)
    assert any("holderFrom" in p.reason for p in error.problems)
