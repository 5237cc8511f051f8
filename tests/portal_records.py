"""Disclosure records inserted as rows (the portal's tests and bench do not go through the
entry and review service), and the internal-only values the privacy tests look for."""

from __future__ import annotations

import secrets
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy.orm import Session

from engine.models import DataSource, DisclosureRecord, MarketEntity, OrgUnit, RecordStatus

# Values that must never reach a public page or response.
SECRET_ID_CARD = "530502198807151234"
SECRET_PHONE = "13987654321"
SECRET_NOTE = "内部备注-勿公开-7Q"
SECRET_REPORTER = "举报人王五五"
INTERNAL = {"internal_note": SECRET_NOTE, "contact_phone": SECRET_PHONE,
            "id_card_number": SECRET_ID_CARD, "reporter": SECRET_REPORTER,
            "reporter_phone": "13700001111"}
SECRETS = (SECRET_ID_CARD, SECRET_PHONE, SECRET_NOTE, SECRET_REPORTER, "13700001111")

PENALTY = {"legal_representative": "张三", "violation_type": "销售过期食品",
           "facts": f"当事人销售过期食品。举报人电话{SECRET_PHONE}，身份证{SECRET_ID_CARD}。",
           "legal_basis": "《食品安全法》第一百二十四条", "procedure": "general",
           "penalty_category": ["fine"], "content": "罚款人民币五千元", "fine": "0.5",
           "authority_name": "隆阳区市场监督管理局"}


def make_record(session: Session, entity: MarketEntity, unit: OrgUnit, *,
                status: RecordStatus = RecordStatus.PUBLISHED, category: str = "penalty",
                fields: dict[str, Any] | None = None, number: str | None = None,
                decided: date = date(2026, 2, 2)) -> DisclosureRecord:
    """A record of `category` about `entity` from `unit`, carrying internal fields too."""
    now = datetime(2026, 2, 10, 2, tzinfo=UTC)
    record = DisclosureRecord(
        public_ref=secrets.token_hex(8), category=category, entity_id=entity.id,
        party_name=entity.name, party_uscc=entity.uscc, source_org_id=unit.id,
        area_code=entity.area_code,
        decision_number=number or f"隆市监罚〔2026〕{secrets.randbelow(999)}号",
        decision_date=decided, fields={**(fields if fields is not None else PENALTY), **INTERNAL},
        publishable=True, status=status, data_source=DataSource.ENTERED, entered_by="test",
        entered_at=now, published_at=now if status != RecordStatus.DRAFT else None,
        publication_ends_on=date(2029, 2, 10), updated_at=now)
    session.add(record)
    session.flush()
    return record
