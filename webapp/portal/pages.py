"""The portal's pages: the search, an entity's public page, its printable credit report."""

from __future__ import annotations

from flask import Response, render_template, request
from flask.typing import ResponseReturnValue

from engine import clock
from engine.disclosure import CATEGORIES
from engine.disclosure.public import public_entity
from engine.registry import search_entities
from engine.registry.search import MAX_QUERY, MIN_NAME_PART, normalize
from webapp import database
from webapp.i18n import select_locale
from webapp.portal import pdf
from webapp.portal.labels import REGISTRATION_LABELS


def index() -> ResponseReturnValue:
    """The search: a name part (2 characters or more), a USCC or a registration number."""
    query = normalize(request.args.get("q"))
    results = search_entities(database.session(), query) if query else []
    return render_template("portal/index.html", query=query, results=results,
                           too_short=bool(query) and len(query) < MIN_NAME_PART,
                           max_query=MAX_QUERY)


def entity(uscc: str) -> ResponseReturnValue:
    shown = public_entity(database.session(), uscc)
    return render_template("portal/entity.html", entity=shown, categories=CATEGORIES,
                           labels=REGISTRATION_LABELS)


def report(uscc: str) -> ResponseReturnValue:
    """The credit report of one entity, laid out for printing (or saving as PDF)."""
    shown = public_entity(database.session(), uscc)
    return render_template("portal/report.html", entity=shown, categories=CATEGORIES,
                           labels=REGISTRATION_LABELS, printed_on=clock.local_today())


def report_pdf(uscc: str) -> ResponseReturnValue:
    """The same report as a PDF file."""
    shown = public_entity(database.session(), uscc)
    body = pdf.report_pdf(shown, select_locale() == "en", clock.local_today())
    response = Response(body, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="credit-report-{shown.uscc}.pdf"'
    return response
