"""The implementing departments' feedback: their inbox of triggered restrictions, recording
what they did, and the figures per department and period with an Excel export."""

from __future__ import annotations

import io
from typing import Any

from flask import flash, g, redirect, render_template, send_file, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import login_required
from openpyxl import Workbook

from engine import credit_check
from engine.errors import InvalidInput
from engine.org.areas import areas
from webapp import database
from webapp.access import MANAGER_ROLES, actor, roles_required, user
from webapp.credit_check.forms import FeedbackForm
from webapp.periods import period


def nav() -> dict[str, Any]:
    """The section's tabs offer the feedback inbox only to who gives feedback: whoever works
    in a member department or a joint-meeting office (an auditor, a city administrator gives
    none). Asked only where the tabs are drawn."""
    return {"credit_gives_feedback": _gives_feedback}


def _gives_feedback() -> bool:
    """Asked once per request, by the tabs and by the inbox's page alike."""
    if "credit_gives_feedback" not in g:
        g.credit_gives_feedback = credit_check.gives_feedback(database.session(), user())
    return bool(g.credit_gives_feedback)


@login_required
def inbox() -> ResponseReturnValue:
    session = database.session()
    pending = credit_check.awaiting_feedback(session, user())
    return render_template("credit_check/feedback.html", pending=pending, form=FeedbackForm(),
                           area_names=dict(areas(session)),
                           gives=bool(pending) or _gives_feedback())


@login_required
def record(hit_id: int) -> ResponseReturnValue:
    form = FeedbackForm()
    if not form.validate_on_submit():
        flash(_("Choose what your department did."), "error")
        return redirect(url_for("credit_check.feedback") + f"#hit-{hit_id}")
    try:
        credit_check.record_feedback(database.session(), actor(), user(), hit_id,
                                     form.outcome.data, form.reason.data or "")
    except InvalidInput:
        database.rollback()
        flash(_("Give the reason why the restriction does not apply."), "error")
        return redirect(url_for("credit_check.feedback") + f"#hit-{hit_id}")
    database.commit()
    flash(_("Feedback recorded."), "success")
    return redirect(url_for("credit_check.feedback"))


@roles_required(*MANAGER_ROLES)
def figures() -> ResponseReturnValue:
    start, end = period()
    rows = credit_check.feedback_figures(database.session(), user(), start, end)
    return render_template("credit_check/figures.html", rows=rows, start=start, end=end)


@roles_required(*MANAGER_ROLES)
def export() -> ResponseReturnValue:
    start, end = period()
    rows = credit_check.feedback_figures(database.session(), user(), start, end)
    book = Workbook()
    sheet = book.active
    sheet.title = _("Feedback")
    sheet.append([_("Department"), _("Triggered"), _("Fed back"), _("Restricted"),
                  _("Not applicable"), _("Feedback rate")])
    for row in rows:
        sheet.append([row.department, row.triggered, row.fed_back, row.restricted,
                      row.not_applicable, round(row.rate, 4) if row.rate is not None else None])
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    return send_file(out, as_attachment=True,
                     download_name=f"credit-feedback-{start}-{end}.xlsx",
                     mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
