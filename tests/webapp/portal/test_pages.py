"""The public portal as the public sees it: search, an entity's page, its report."""

from __future__ import annotations

from flask.testing import FlaskClient

from tests.webapp.conftest import Client
from tests.webapp.portal.conftest import Published


def test_a_two_character_part_of_the_name_finds_the_entity(public: FlaskClient,
                                                            published: Published) -> None:
    page = public.get("/public/?q=烘焙")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert published.name in html
    assert f"/public/{published.uscc}" in html
    assert "腾冲和顺茶庄" not in html


def test_uscc_and_registration_number_find_it_too(public: FlaskClient,
                                                  published: Published) -> None:
    for query in (published.uscc, published.uscc.lower(), "530502000123456"):
        assert published.name in public.get(f"/public/?q={query}").get_data(as_text=True)


def test_one_character_asks_for_more(public: FlaskClient, published: Published) -> None:
    html = public.get("/public/?q=烘").get_data(as_text=True)
    assert "2" in html and published.name not in html


def test_the_entity_page_shows_published_records_only(public: FlaskClient,
                                                      published: Published) -> None:
    page = public.get(f"/public/{published.uscc}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "隆市监罚〔2026〕12号" in html
    assert "行政处罚" in html and "隆阳区市场监管局" in html and "2026-02-02" in html
    assert published.withdrawn_number not in html and "隆市监罚〔2025〕7号" not in html
    assert published.withdrawn not in html and published.expired not in html
    assert f"/public/records/{published.published}/objection" in html


def test_english_is_in_the_address(public: FlaskClient, published: Published) -> None:
    html = public.get(f"/public/{published.uscc}?lang=en").get_data(as_text=True)
    assert "Administrative penalty" in html and "Published records" in html
    assert f"/public/{published.uscc}/report?lang=en" in html


def test_an_unknown_code_is_a_portal_404(public: FlaskClient, published: Published) -> None:
    page = public.get("/public/91530502MA6K0000X0")
    assert page.status_code == 404
    assert "portal.css" in page.get_data(as_text=True)


def test_the_report_prints_the_same_records(public: FlaskClient, published: Published) -> None:
    page = public.get(f"/public/{published.uscc}/report")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "隆市监罚〔2026〕12号" in html and published.withdrawn_number not in html
    assert "objection" not in html


def test_what_the_browser_fetches_by_itself_sets_no_cookie(public: FlaskClient) -> None:
    # A page without an icon makes the browser ask for /favicon.ico: the officers' app
    # answers it (not found), and must not hand the public a session for it.
    for url in ("/favicon.ico", "/robots.txt"):
        assert "Set-Cookie" not in public.get(url).headers, url


def test_public_pages_are_cacheable_and_set_no_cookie(public: FlaskClient,
                                                      published: Published) -> None:
    for url in ("/public/", "/public/?q=永昌", f"/public/{published.uscc}",
                f"/public/{published.uscc}/report",
                f"/public/records/{published.published}/objection",
                "/public/nothing-here"):
        page = public.get(url)
        assert "Set-Cookie" not in page.headers, url
        assert "unsafe-inline" not in page.headers["Content-Security-Policy"], url
        if page.status_code == 200:
            assert page.headers["Cache-Control"].startswith("public, max-age="), url
    page = public.get(f"/public/{published.uscc}")
    again = public.get(f"/public/{published.uscc}",
                       headers={"If-None-Match": page.headers["ETag"]})
    assert again.status_code == 304


def test_no_internal_id_in_the_urls(public: FlaskClient, published: Published) -> None:
    assert public.get("/public/1").status_code == 404
    assert public.get("/public/records/1/objection").status_code == 404


def test_not_even_for_a_signed_in_officer(app, published: Published) -> None:
    """An officer's session would be refreshed on every page; not on the portal's."""
    client = Client(app.test_client())
    assert client.login("chen").status_code == 302
    assert "Set-Cookie" in client.http.get("/inbox/").headers
    page = client.http.get(f"/public/{published.uscc}")
    assert page.status_code == 200 and "Set-Cookie" not in page.headers
    assert "Cookie" not in page.headers.get("Vary", "")


def test_the_report_as_pdf(public: FlaskClient, published: Published) -> None:
    for lang in ("", "?lang=en"):
        page = public.get(f"/public/{published.uscc}/report.pdf{lang}")
        assert page.status_code == 200 and page.mimetype == "application/pdf"
        assert page.data.startswith(b"%PDF") and "Set-Cookie" not in page.headers
    assert public.get("/public/91530502MA6K0000X0/report.pdf").status_code == 404
