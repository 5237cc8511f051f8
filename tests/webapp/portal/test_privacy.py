"""No internal-only value (ID-card and phone numbers, internal notes, reporters) reaches the
portal, even when a record carries it: every public page and response (the PDF report's
text too) is walked for them."""

from __future__ import annotations

import io
import re

from flask import Flask
from flask.testing import FlaskClient
from pypdf import PdfReader

from tests.portal_records import SECRETS
from tests.webapp.portal.conftest import Published

TOKEN = re.compile(r'name="token" value="([^"]+)"')
ENTITY_PHONE = "13811112222"
CONTACT = "13655556666"


def _pages(public: FlaskClient, published: Published) -> list[tuple[str, str]]:
    """Every public page, in both languages, with the objection sent and a 404, as
    (address, body with headers)."""
    token = TOKEN.search(public.get(
        f"/public/records/{published.published}/objection").get_data(as_text=True))
    assert token
    sent = public.post(f"/public/records/{published.published}/objection",
                       data={"token": token.group(1), "contact": CONTACT, "name": "赵六",
                             "text": f"我的电话是{CONTACT}，此记录有误。"})
    assert sent.status_code == 303
    urls = ["/public/", "/public/?q=烘焙", "/public/?q=有限公司", f"/public/?q={published.uscc}",
            f"/public/{published.uscc}", f"/public/{published.uscc}/report",
            f"/public/records/{published.published}/objection", sent.headers["Location"],
            f"/public/records/{published.withdrawn}/objection", "/public/nowhere/at/all"]
    urls += [u + ("&" if "?" in u else "?") + "lang=en" for u in urls]
    bad = public.post(f"/public/records/{published.published}/objection",
                      data={"token": token.group(1), "contact": "", "text": "x"})
    pages = [(u, _text(public.get(u))) for u in urls]
    pdfs = [f"/public/{published.uscc}/report.pdf", f"/public/{published.uscc}/report.pdf?lang=en"]
    return pages + [(u, _text(public.get(u))) for u in pdfs] + [
        ("POST objection", _text(bad)), ("POST sent", _text(sent))]


def _text(response) -> str:
    """The headers and the body; a PDF's text as a reader would copy it out."""
    if response.mimetype == "application/pdf":
        pdf = PdfReader(io.BytesIO(response.data))
        return str(response.headers) + "\n".join(p.extract_text() for p in pdf.pages)
    return str(response.headers) + response.get_data(as_text=True)


def test_no_internal_value_reaches_any_public_page(public: FlaskClient,
                                                   published: Published) -> None:
    pages = _pages(public, published)
    for url, body in pages:
        for secret in (*SECRETS, ENTITY_PHONE, CONTACT):
            assert secret not in body, f"{secret} on {url}"
    report = dict(pages)[f"/public/{published.uscc}/report.pdf"]
    assert published.name in report and published.withdrawn_number not in report  # read right
    entity_page = dict(pages)[f"/public/{published.uscc}"]
    assert "138****2222" not in entity_page  # the phone is not public at all, masked or not
    assert "139****4321" in entity_page  # a number typed into the facts is masked


def test_nor_the_429_page(app: Flask, published: Published) -> None:
    app.extensions["creditflow.settings"] = app.extensions["creditflow.settings"].replace(
        portal_rate_limit=1)
    public = app.test_client()
    public.get(f"/public/{published.uscc}")
    limited = public.get(f"/public/{published.uscc}")
    assert limited.status_code == 429
    assert not any(secret in _text(limited) for secret in SECRETS)
