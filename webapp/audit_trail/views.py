"""The auditors' views: read the trail, check its chain, read the reads of personal data."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

from flask import flash, redirect, render_template, request, send_file, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from engine import audit, clock, entity_records
from engine.audit import log
from engine.errors import InvalidInput
from engine.models import Role
from webapp import database
from webapp.access import roles_required, user
from webapp.audit_trail.forms import EventFilterForm, RevealFilterForm, VerifyForm
from webapp.config import settings
from webapp.downloads import XLSX
from webapp.params import page_arg

PER_PAGE = 50
EVENT_KEYS = ("actor", "action", "object_type", "object_id", "since", "until")
REVEAL_KEYS = ("actor", "uscc", "since", "until")


def asked_args(keys: tuple[str, ...]) -> dict[str, str]:
    return {k: request.args[k] for k in keys if request.args.get(k)}


@roles_required(Role.AUDITOR)
def index() -> ResponseReturnValue:
    form = EventFilterForm(request.args)
    page = log.audit_events(database.session(), user(), form.event_filter(), page_arg(),
                            PER_PAGE)
    args = asked_args(EVENT_KEYS)
    return render_template("audit/index.html", form=form, page=page, args=args,
                           filtered=bool(args), verify_form=VerifyForm(),
                           max_export=log.MAX_EXPORT_ROWS)


@roles_required(Role.AUDITOR)
def verify() -> ResponseReturnValue:
    """Check the whole chain, then show the result on the trail's page (PRG)."""
    if VerifyForm().validate_on_submit():
        report = audit.verify(database.session())
        if report.intact:
            flash(_("The chain holds: %(n)d events checked, %(legacy)d of them from before "
                    "the chain was keyed.", n=report.events, legacy=report.legacy), "success")
        else:
            assert report.broken is not None
            flash(_("The chain is broken at event %(id)s: %(reason)s",
                    id=report.broken.event_id or "—", reason=report.broken.reason), "error")
    return redirect(url_for("audit.index", **asked_args(EVENT_KEYS)))


@roles_required(Role.AUDITOR)
def export() -> ResponseReturnValue:
    form = EventFilterForm(request.args)
    headers = [_("No."), _("Time"), _("User name"), _("Action"), _("Object type"),
               _("Object id"), _("Details"), _("From")]
    return workbook("audit-events", "audit.index", EVENT_KEYS, lambda out: log.export_events(
        database.session(), user(), form.event_filter(), headers, zone(), out))


@roles_required(Role.AUDITOR)
def reveals() -> ResponseReturnValue:
    form = RevealFilterForm(request.args)
    page = entity_records.reveal_reads(database.session(), user(), form.event_filter(),
                                       reveal_uscc(form), page_arg(), PER_PAGE)
    args = asked_args(REVEAL_KEYS)
    return render_template("audit/reveals.html", form=form, page=page, args=args,
                           filtered=bool(args), max_export=log.MAX_EXPORT_ROWS)


@roles_required(Role.AUDITOR)
def export_reveals() -> ResponseReturnValue:
    form = RevealFilterForm(request.args)
    headers = [_("Time"), _("User name"), _("Name"), _("Market entity"), _("USCC"),
               _("Fields read"), _("Reason"), _("From")]
    return workbook("personal-data-reads", "audit.reveals", REVEAL_KEYS,
                    lambda out: entity_records.export_reveal_reads(
                        database.session(), user(), form.event_filter(), reveal_uscc(form),
                        headers, zone(), out))


def reveal_uscc(form: RevealFilterForm) -> str | None:
    return (form.uscc.data or None) if form.validate() else None


def workbook(name: str, page: str, keys: tuple[str, ...],
             write: Callable[[io.BytesIO], Any]) -> ResponseReturnValue:
    """The workbook `write` fills, or back to the page with why not (too many rows)."""
    out = io.BytesIO()
    try:
        write(out)
    except InvalidInput as exc:
        if exc.code != "export_too_large":
            raise
        flash(_("%(n)d rows match; an export holds at most %(max)d. Narrow the search and "
                "export again.", n=int(str(exc.details["total"])), max=log.MAX_EXPORT_ROWS),
              "error")
        return redirect(url_for(page, **asked_args(keys)))
    out.seek(0)
    stamp = clock.now().astimezone(zone()).strftime("%Y%m%d-%H%M")
    return send_file(out, mimetype=XLSX, as_attachment=True, download_name=f"{name}-{stamp}.xlsx",
                     max_age=0)


def zone() -> Any:
    return clock.local_zone(settings().timezone)


def nav() -> dict[str, Any]:
    """Whether the header offers the auditors' pages."""
    return {"nav_audit": bool(current_user and current_user.is_authenticated
                              and current_user.user.has_role(Role.AUDITOR))}
