"""The credit-check pages in one language each: no English label on a Chinese page, no
Chinese label on an English one (the data they show, codes and Chinese measures, aside)."""

from __future__ import annotations

import re

import pytest

from tests.webapp.test_i18n import SAME_IN_BOTH, catalog, data_free, forms, visible_text

PAGES = ["/credit-check/", "/credit-check/catalogue", "/credit-check/catalogue?version=1",
         "/credit-check/catalogue/measure?code=M01", "/credit-check/feedback",
         "/credit-check/figures?from=2026-01-01&to=2026-12-31"]


@pytest.fixture
def read(login, listed):
    def pages(username: str, locale: str) -> list[str]:
        client = login(username)
        client.post("/auth/language", {"locale": locale})
        checked = client.post("/credit-check/", {"uscc": listed.serious, "action": "licence"})
        clean = client.post("/credit-check/", {"uscc": listed.clean, "action": "licence"})
        urls = [*PAGES, checked.headers["Location"], clean.headers["Location"]]
        texts = [visible_text(client.get(url).get_data(as_text=True)) for url in urls]
        return [data_free(re.sub(r"\b[0-9A-Z]{18}\b", " ", t)) for t in texts]

    return pages


def test_chinese_pages_show_no_english_labels(read):
    for text in read("zhang", "zh_CN"):
        words = set(re.findall(r"[A-Za-z]{2,}", text)) - SAME_IN_BOTH
        assert words == set(), f"untranslated: {sorted(words)}"


def test_english_pages_show_no_chinese_labels(read):
    messages = [m for m in catalog() if m.id and m.string]
    english = " ".join(text for m in messages for text in forms(m.id))
    chinese = {text for m in messages for text in forms(m.string) if text not in english}
    data = ("隆阳区市场监管局", "测试商户", "保市监严入", "联合惩戒", "备忘录")
    for text in read("zhang", "en"):
        for value in data:
            text = text.replace(value, " ")
        text = re.sub(r"[\u4e00-\u9fff（）〔〕，、“”]{6,}", " ", text)  # measures, bases: data
        shown = sorted(s for s in chinese if len(s) > 1 and s in text)
        assert shown == [], f"Chinese labels on an English page: {shown}"
