"""The unlicensed-operation pages in one language each: no English label on a Chinese page,
no Chinese label on an English one (licence items by name, never by code)."""

from __future__ import annotations

import re

import pytest

from tests.webapp.test_i18n import SAME_IN_BOTH, catalog, data_free, forms, visible_text
from tests.webapp.unlicensed.test_pages import open_item, report, the_case

pytestmark = pytest.mark.usefixtures("traveller")


@pytest.fixture
def pages(client, login, app_sessions):
    report(client)
    case = the_case(app_sessions)
    chen = login("chen")
    chen.post(f"/unlicensed/{case.id}/steps/{open_item(app_sessions, case)}", {
        "missing": "permit", "licence_item": "AMR-FOOD-SERVICE", "triage_note": "无食品经营许可"})

    def read(username: str, locale: str) -> list[str]:
        user = login(username)
        user.post("/auth/language", {"locale": locale})
        urls = ["/unlicensed/", f"/unlicensed/{case.id}", "/unlicensed/copies",
                "/unlicensed/copies?box=sent", "/unlicensed/new", "/unlicensed/figures"]
        return [visible_text(user.get(url).get_data(as_text=True)) for url in urls]

    def public(lang: str) -> str:
        return visible_text(client.get(f"/public/unlicensed/report{lang}").get_data(as_text=True))

    return read, public


def test_chinese_pages_show_no_english_labels(pages):
    read, public = pages
    for text in read("chen", "zh_CN") + read("zhang", "zh_CN") + [public("")]:
        words = set(re.findall(r"[A-Za-z]{2,}", data_free(text))) - SAME_IN_BOTH
        assert words == set(), f"untranslated: {sorted(words)}"


def test_english_pages_show_no_chinese_labels(pages):
    read, public = pages
    messages = [m for m in catalog() if m.id and m.string]
    english = " ".join(text for m in messages for text in forms(m.id))
    chinese = {text for m in messages for text in forms(m.string) if text not in english}
    for text in read("chen", "en") + read("zhang", "en") + [public("?lang=en")]:
        shown = sorted(s for s in chinese if len(s) > 1 and s in data_free(text))
        assert shown == [], f"Chinese labels on an English page: {shown}"
