"""Languages: zh-CN by default, English per user (or per session before signing in)."""

from __future__ import annotations

import logging
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Flask, g, has_request_context, request, session
from flask_babel import Babel, get_translations
from flask_login import current_user

from engine.org.accounts import LOCALES

babel = Babel()
log = logging.getLogger(__name__)
LANGUAGE_NAMES = {"zh_CN": "中文", "en": "English"}
TRANSLATIONS = Path(__file__).resolve().parent / "translations"


def init_app(app: Flask) -> None:
    compile_catalogs()
    babel.init_app(app, locale_selector=select_locale,
                   default_translation_directories=str(TRANSLATIONS))
    # As flask-babel's own, with the catalogue looked up once a request: flask-babel finds
    # it anew for every string, and a page asks for dozens.
    app.jinja_env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=lambda s: catalogue().ugettext(s),
        ngettext=lambda s, p, n: catalogue().ungettext(s, p, n),
        pgettext=lambda c, s: catalogue().upgettext(c, s),
        npgettext=lambda c, s, p, n: catalogue().unpgettext(c, s, p, n), newstyle=True)


def catalogue() -> Any:
    """The translations of this request's language (of a forced one inside force_locale)."""
    if not has_request_context() or getattr(request, "forced_babel_locale", None) is not None:
        return get_translations()
    found = g.get("catalogue")
    if found is None:
        found = g.catalogue = get_translations()
    return found


def compile_catalogs(folder: Path = TRANSLATIONS) -> list[Path]:
    """Compile each .po whose .mo is missing or older (`make translations` does the same)."""
    written = []
    for po in folder.glob("*/LC_MESSAGES/*.po"):
        mo = po.with_suffix(".mo")
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        try:
            with po.open("rb") as source:
                catalog = read_po(source)
            with mo.open("wb") as target:
                write_mo(target, catalog)
            written.append(mo)
        except OSError as exc:  # a read-only install keeps what it has
            log.warning("cannot compile %s: %s", po, exc)
    return written


def select_locale() -> str:
    if has_request_context() and request.path.startswith("/public/"):
        # No session there: the language is in the address (?lang=en), so pages cache.
        return "en" if request.args.get("lang") == "en" else "zh_CN"
    if current_user and current_user.is_authenticated and current_user.locale in LOCALES:
        return current_user.locale
    chosen = session.get("locale")
    return chosen if chosen in LOCALES else "zh_CN"


def html_lang() -> str:
    return "en" if select_locale() == "en" else "zh-CN"


_WIDE = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f]")


def local_name(name: str | None) -> str:
    """The part of a bilingual name ("认领或退回 Claim or return") in the page's language:
    the shipped diagrams, lanes and forms name things in Chinese, then in English. A name
    in one language only is shown as it is."""
    if not name:
        return ""
    chinese, english = bilingual_parts(name)
    return english if english_page() else chinese


def english_page() -> bool:
    """Whether this request's page is in English; read once a request (lists ask per row)."""
    english = g.get("english_page")
    if english is None:
        english = g.english_page = select_locale().startswith("en")
    return bool(english)


@lru_cache(maxsize=4096)
def bilingual_parts(name: str) -> tuple[str, str]:
    """(Chinese, English) parts of a name; the whole name for both when it is not
    "中文 English"."""
    last_wide = max((m.end() for m in _WIDE.finditer(name)), default=0)
    chinese, english = name[:last_wide].strip(), name[last_wide:].strip()
    if not chinese or not english or not english[0].isascii():
        return name, name
    return chinese, english
