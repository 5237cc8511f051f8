"""POST /api/v1/records: a department's system pushes records of a category with its
token; each is answered (its id, or why it was refused), a dry run writes nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from engine.models import DataSource, DisclosureRecord, RecordStatus
from tests.engine.disclosure.helpers import penalty_values
from tests.factories import make_entity
from tests.webapp.test_api import bearer, token_for

pytestmark = pytest.mark.usefixtures("traveller")


@pytest.fixture
def entity(app_sessions):  # type: ignore[no-untyped-def]
    with app_sessions() as session:
        entity = make_entity(session, name="保山市永昌餐饮管理有限公司")
        session.commit()
        return penalty_values(entity, penalty_category="罚款、警告")


def push(app, secret: str, **payload):  # type: ignore[no-untyped-def]
    return app.test_client().post("/api/v1/records", json=payload, headers=bearer(secret))


def test_a_push_enters_the_valid_records_for_the_tokens_department(app, app_sessions, entity):
    secret = token_for(app_sessions, "chen")
    other = {**entity, "decision_number": "2号", "party_name": "永昌餐饮"}
    dry = push(app, secret, category="penalty", records=[entity, other], dry_run=True)
    assert dry.status_code == 200
    assert dry.get_json()["records"][1]["problems"] == {
        "party_name": "the registry names this code 保山市永昌餐饮管理有限公司, the row 永昌餐饮"}
    with app_sessions() as session:
        assert session.execute(select(DisclosureRecord)).first() is None
    done = push(app, secret, category="penalty", records=[entity, other]).get_json()
    assert (done["created"], done["invalid"], done["direct_publication"]) == (1, 1, False)
    with app_sessions() as session:
        record = session.execute(select(DisclosureRecord)).scalar_one()
        assert record.id == done["records"][0]["record_id"]
        assert (record.data_source, record.status) == (DataSource.API, RecordStatus.SUBMITTED)
        assert record.fields["penalty_category"] == ["fine", "warning"]
        assert record.entered_by == "chen"
    again = push(app, secret, category="penalty", records=[entity]).get_json()
    assert again["records"][0]["problems"] == {"decision_number": "already entered"}


def test_a_push_needs_a_department_a_category_and_a_list(app, app_sessions, entity):
    assert push(app, token_for(app_sessions, "wang"), category="penalty",
                records=[entity]).status_code == 403  # a supervisor enters no records
    secret = token_for(app_sessions, "chen")
    assert push(app, secret, category="nothing", records=[entity]).status_code == 422
    assert push(app, secret, category="penalty", records={"a": 1}).status_code == 422
    assert app.test_client().post("/api/v1/records", json={}).status_code == 401


def test_the_openapi_document_describes_the_push(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert "penalty" in paths["/records"]["post"]["requestBody"]["content"][
        "application/json"]["schema"]["properties"]["category"]["enum"]
