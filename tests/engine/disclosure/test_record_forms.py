"""The records' forms come from the form-version store, as the form editor shows them: the
seed deploys the shipped ones, and a new version is what the template, the entry check and
the import use, the import reading it once however many batches it writes."""

from __future__ import annotations

import copy

import pytest
from sqlalchemy import event, func, select

from engine import disclosure
from engine.disclosure.files import import_records, template_csv
from engine.disclosure.procedure import DIAGRAM, PROCESS_KEY
from engine.disclosure.records import check_values
from engine.errors import InvalidInput
from engine.models import DisclosureRecord, FormVersion
from engine.runtime.deploy import deploy_shipped
from engine.runtime.form_versions import save_form
from engine.runtime.forms import shipped_raw
from tests.engine.disclosure.helpers import penalty_values
from tests.engine.disclosure.test_bulk import HEADERS, csv_bytes, row
from tests.factories import SETUP, World, make_entity

pytestmark = [pytest.mark.both_backends, pytest.mark.usefixtures("traveller")]

SOURCE = {"name": "case_source", "type": "select", "required": True, "label_zh": "案件来源",
          "label_en": "Case source",
          "choices": [{"value": "inspection", "zh": "检查发现", "en": "Inspection"},
                      {"value": "complaint", "zh": "投诉举报", "en": "Complaint"}]}


@pytest.fixture
def world(notice_world: World) -> World:
    return notice_world


def with_source(session) -> None:
    """A second version of the penalty form, asking where the case came from."""
    raw = copy.deepcopy(shipped_raw("disclosure_penalty"))
    raw["fields"].append(copy.deepcopy(SOURCE))
    save_form(session, SETUP, "disclosure_penalty", raw, "案件来源")


def test_the_seed_deploys_each_record_form_once(session):
    keys = disclosure.deploy_record_forms(session)
    disclosure.deploy_record_forms(session)
    assert "disclosure_envelope" in keys and "disclosure_penalty" in keys and len(keys) == 10
    stored = session.execute(select(FormVersion.key, func.max(FormVersion.version))
                             .group_by(FormVersion.key)).all()
    assert sorted(stored) == sorted((key, 1) for key in keys)


def test_a_new_version_is_what_the_template_and_the_entry_check_use(session, world):
    entity = make_entity(session)
    values = {**penalty_values(entity), "penalty_category": ["fine"], "procedure": "general",
              "sector": "general", "backfilled": "no"}
    check_values(session, "penalty", values)  # the shipped form: no source asked
    with_source(session)
    header = template_csv(session, "penalty").decode("utf-8-sig").strip()
    assert header.endswith(",案件来源")
    with pytest.raises(InvalidInput) as refused:
        check_values(session, "penalty", values)
    assert refused.value.details["fields"] == {"case_source": "required"}
    _envelope, fields, _entity = check_values(
        session, "penalty", {**values, "case_source": "complaint"})
    assert fields["case_source"] == "complaint"


def test_an_import_checks_with_the_new_version_and_reads_it_once(session, sessions, world):
    with_source(session)
    deploy_shipped(session, PROCESS_KEY, DIAGRAM)  # as the first record entered would
    a, b, c = make_entity(session), make_entity(session), make_entity(session)
    session.commit()
    data = csv_bytes([row(a) + ["投诉举报"], row(b, decision_number="隆公罚〔2026〕2号") + [""],
                      row(c, decision_number="隆公罚〔2026〕3号") + ["检查发现"]],
                     [*HEADERS, "案件来源"])
    reads: list[str] = []

    def count(_conn, _cursor, statement, *_args) -> None:
        if "FROM form_version" in statement:
            reads.append(statement)

    bind = sessions.kw["bind"]
    event.listen(bind, "before_cursor_execute", count)
    try:
        report = import_records(sessions, world.actor("hu"), data, "penalty",
                                world.units["530502-psb"].id, batch_size=1)
    finally:
        event.remove(bind, "before_cursor_execute", count)
    assert (report.created, report.invalid) == (2, 1)
    assert report.problem_rows()[0][:2] == [3, "案件来源"]
    assert len(reads) == 2  # the envelope and the penalty form, for three batches
    session.expire_all()
    stored = session.execute(select(DisclosureRecord.fields).order_by(
        DisclosureRecord.id)).scalars().all()
    assert [f["case_source"] for f in stored] == ["complaint", "inspection"]
