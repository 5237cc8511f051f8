"""Languages: every label has a Chinese translation; neither language shows the other's labels."""

from __future__ import annotations

import html as html_lib
import re
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from webapp.i18n import compile_catalogs

CATALOG = Path("webapp/translations/zh/LC_MESSAGES/messages.po")
METHODS = [("webapp/**.py", "python"), ("webapp/templates/**.html", "jinja2")]
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None}
# Words that are the same in both languages: file types, date formats, the language link.
SAME_IN_BOTH = {"PDF", "Word", "Excel", "OFD", "YYYY", "MM", "DD", "English", "make",
                "assets", "KB", "MB"}


def catalog():
    with CATALOG.open("rb") as f:
        return read_po(f, locale="zh")


def forms(text: str | tuple[str, ...]) -> tuple[str, ...]:
    """A message's texts: one, or each plural form."""
    return (text,) if isinstance(text, str) else text


def source_messages() -> set[str]:
    found = extract_from_dir("webapp", METHODS, keywords=KEYWORDS)
    return {m[1] if isinstance(m[1], str) else m[1][0] for m in found}


def test_every_message_in_the_code_is_translated():
    translated = {m.id: m.string for m in catalog() if m.id and m.string and not m.fuzzy}
    missing = sorted(source_messages() - translated.keys())
    assert missing == [], "run `make translations-update` and translate these"


def test_catalogs_compile(tmp_path):
    target = tmp_path / "zh" / "LC_MESSAGES"
    target.mkdir(parents=True)
    (target / "messages.po").write_bytes(CATALOG.read_bytes())
    assert [p.name for p in compile_catalogs(tmp_path)] == ["messages.mo"]
    assert compile_catalogs(tmp_path) == [], "an up-to-date catalog is left alone"


def visible_text(page: str) -> str:
    page = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", page, flags=re.S)
    page = re.sub(r'<[^>]+>', " ", page)
    return html_lib.unescape(page)


@pytest.fixture
def pages(login, case, app_sessions):
    """Every page a user reads, as seen by chen (officer) and wang (supervisor)."""
    with time_machine.travel(datetime(2026, 12, 31, 9, tzinfo=ZoneInfo("Asia/Shanghai"))):
        def read(username: str, locale: str) -> list[str]:
            client = login(username)
            client.post("/auth/language", {"locale": locale})
            urls = ["/inbox/", "/inbox/?tab=claimable&entity=x", f"/tasks/{case.id}",
                    "/notifications/", "/monitor/", "/tasks/999999", "/auth/password"]
            if username == "admin":
                urls = ["/admin/users", "/admin/tokens", "/auth/password", "/notifications/"]
            return [visible_text(client.get(url).get_data(as_text=True)) for url in urls]

        yield read


def data_free(text: str) -> str:
    """The page without the data it shows (bilingual diagram names, people, units)."""
    for data in ("test:setup",):  # names of diagrams and tasks show in one language
        text = text.replace(data, " ")
    return re.sub(r"\b(chen|yang|zhang|zhou|sun|wang|admin|audit|liu|zhao)\b", " ", text)  # users


def test_chinese_pages_show_no_english_labels(pages):
    for text in pages("wang", "zh_CN") + pages("chen", "zh_CN") + pages("admin", "zh_CN"):
        words = set(re.findall(r"[A-Za-z]{2,}", data_free(text))) - SAME_IN_BOTH
        assert words == set(), f"untranslated: {sorted(words)}"


def test_english_pages_show_no_chinese_labels(pages):
    messages = [m for m in catalog() if m.id and m.string]
    english = " ".join(text for m in messages for text in forms(m.id))  # "Urge (催办)" too
    chinese = {text for m in messages for text in forms(m.string) if text not in english}
    for text in pages("wang", "en") + pages("chen", "en") + pages("admin", "en"):
        text = data_free(text)
        shown = sorted(s for s in chinese if len(s) > 1 and s in text)
        assert shown == [], f"Chinese labels on an English page: {shown}"
