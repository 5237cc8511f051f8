"""An app with a few entities, one published penalty, one withdrawn and one expired."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session, sessionmaker

from engine.models import RecordStatus
from tests.factories import World, make_entity, org_by_code
from tests.portal_records import make_record


@dataclass(frozen=True)
class Published:
    uscc: str
    name: str
    published: str  # public_ref of the published penalty
    withdrawn: str
    expired: str
    withdrawn_number: str
    other_uscc: str


@pytest.fixture
def published(app_sessions: sessionmaker[Session], world: World) -> Published:
    with app_sessions() as session:
        unit = org_by_code(session, "530502-amr")
        entity = make_entity(session, name="保山永昌烘焙坊有限公司", phone="13811112222",
                             legal_representative="李四", registration_number="530502000123456")
        other = make_entity(session, name="腾冲和顺茶庄")
        shown = make_record(session, entity, unit, number="隆市监罚〔2026〕12号")
        withdrawn = make_record(session, entity, unit, status=RecordStatus.WITHDRAWN,
                                number="隆市监罚〔2026〕99号")
        expired = make_record(session, entity, unit, status=RecordStatus.EXPIRED,
                              number="隆市监罚〔2025〕7号")
        session.commit()
        return Published(entity.uscc, entity.name, shown.public_ref, withdrawn.public_ref,
                         expired.public_ref, "隆市监罚〔2026〕99号", other.uscc)


@pytest.fixture
def public(app: Flask) -> FlaskClient:
    """An anonymous client, as the public is."""
    return app.test_client()
