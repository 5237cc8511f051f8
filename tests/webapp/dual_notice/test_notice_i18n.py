"""The dual-notice, registry and entity pages speak one language at a time: every label is
translated, and neither language shows the other's labels."""

from __future__ import annotations

import io
import re

import pytest

from tests.webapp.dual_notice import notice_world
from tests.webapp.dual_notice.notice_world import push
from tests.webapp.registry.test_registry import finish, registration_file
from tests.webapp.test_i18n import SAME_IN_BOTH, catalog, visible_text

world = notice_world.world  # fixture
pytestmark = pytest.mark.usefixtures("traveller")

# Data on these pages: USCCs, licence item codes, user names, file names.
DATA = re.compile(r"[0-9A-Z]{18}|\b[A-Z]+(?:-[A-Z]+)+\b|\b(?:hu|ma|luo|tian|zhou|test|import)\b"
                  r"|登记数据\.csv|\b[a-z]+\.(?:csv|xlsx)\b")
FORMATS = {"CSV", "XLSX", "UTF", "GBK", "JPEG", "PNG"}
# Options naming data: licence items of the routing table, departments, people.
DATA_OPTIONS = re.compile(r'<option (?:selected )?value="(?:[A-Z]+-[A-Z0-9-]+|\d{2,}|'
                          r'(?:user|unit):\d+)"[^>]*>.*?</option>', re.S)


@pytest.fixture
def pages(app, login, app_sessions):  # type: ignore[no-untyped-def]
    """Every new page, as an officer of a department, its administrator and a registrar."""
    entity_id, notices = push(app_sessions, "印章刻制；餐饮服务", phone="13912345678")
    _other, returned = push(app_sessions, "印章刻制")
    login("hu").post(f"/notices/{notices['530502-psb']}/claim")
    login("hu").post(f"/notices/{returned['530502-psb']}/return", {"reason": "1", "note": "x"})
    push(app_sessions, "五金产品零售")
    clerk = login("zhou")
    clerk.post("/registry/imports", {"file": (io.BytesIO(registration_file()), "登记数据.csv")},
               content_type="multipart/form-data")
    finish(app)

    def read(username: str, locale: str) -> list[str]:
        client = login(username)
        client.post("/auth/language", {"locale": locale})
        urls = {
            "hu": ["/notices/", "/notices/?tab=all", f"/notices/{notices['530502-psb']}",
                   "/notices/directory", f"/entities/{entity_id}", "/entities/"],
            "luo": [f"/notices/{notices['530502-psb']}", "/notices/figures",
                    f"/notices/{returned['530502-psb']}"],
            "zhou": ["/registry/imports", "/registry/imports/1", "/registry/pool",
                     "/registry/returned", f"/notices/{returned['530502-psb']}",
                     f"/entities/{entity_id}"],
        }[username]
        texts = [visible_text(DATA_OPTIONS.sub(" ", client.get(url).get_data(as_text=True)))
                 for url in urls]
        if username == "hu":
            revealed = client.post(f"/entities/{entity_id}/reveal", {"reason": "联系申请人"})
            texts.append(visible_text(revealed.get_data(as_text=True)))
        return texts

    return read


def test_chinese_pages_show_no_english_labels(pages):
    for user in ("hu", "luo", "zhou"):
        for text in pages(user, "zh_CN"):
            words = set(re.findall(r"[A-Za-z]{2,}", DATA.sub(" ", text))) - SAME_IN_BOTH - FORMATS
            assert words == set(), f"untranslated for {user}: {sorted(words)}"


def test_english_pages_show_no_chinese_labels(pages):
    messages = [m for m in catalog() if m.id and m.string]
    english = " ".join(m.id for m in messages)
    chinese = {m.string for m in messages if m.string not in english}
    for user in ("hu", "luo", "zhou"):
        for text in pages(user, "en"):
            shown = sorted(s for s in chinese if len(s) > 1 and s in text)
            assert shown == [], f"Chinese labels on an English page for {user}: {shown}"


def test_english_pages_name_licence_items_types_and_states_in_english(login, app_sessions):
    entity_id, notices = push(app_sessions, "印章刻制", entity_type="有限责任公司",
                              status="存续")
    officer = login("hu")
    officer.post("/auth/language", {"locale": "en"})
    notice = visible_text(officer.get(f"/notices/{notices['530502-psb']}").get_data(
        as_text=True))
    assert "Special trade licence (seal engraving)" in notice and "公章刻制" not in notice
    listed = visible_text(officer.get("/notices/").get_data(as_text=True))
    assert "Special trade licence (seal engraving)" in listed
    entity = visible_text(officer.get(f"/entities/{entity_id}").get_data(as_text=True))
    assert "Limited liability company" in entity and "Active" in entity
    assert "有限责任公司" not in entity and "存续" not in entity
    officer.post("/auth/language", {"locale": "zh_CN"})
    chinese = visible_text(officer.get(f"/entities/{entity_id}").get_data(as_text=True))
    assert "有限责任公司" in chinese and "特种行业许可（公章刻制）" in chinese
