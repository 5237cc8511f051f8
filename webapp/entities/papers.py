"""The applicant's papers: the printable 告知书, and the signed 承诺书 with its scan."""

from __future__ import annotations

from datetime import date

from flask import flash, redirect, render_template, send_file, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required
from flask_wtf import FlaskForm

from engine.dual_notice import papers as notice_papers
from engine.errors import InvalidInput
from webapp import database
from webapp.access import actor
from webapp.config import settings
from webapp.entities.forms import CommitmentForm
from webapp.entities.page import render_entity
from webapp.prg import send_back

REFUSED = {"type": _l("Upload a PDF, OFD, JPEG or PNG scan."),
           "too_large": _l("The file is larger than allowed."),
           "future": _l("The date lies in the future.")}


@login_required
def letter(entity_id: int) -> ResponseReturnValue:
    paper = notice_papers.notice_letter(database.session(), actor(), entity_id)
    return render_template("entities/letter.html", paper=paper, entity_id=entity_id)


def failed(entity_id: int, form: FlaskForm) -> ResponseReturnValue:
    """Back to the entity with the errors (PRG; the scan is chosen again)."""
    return send_back(form, f"entity:{entity_id}:commitment",
                     url_for("entities.show", entity_id=entity_id)) or render_entity(
        entity_id, commitment_form=form, status=422)


@login_required
def record_commitment(entity_id: int) -> ResponseReturnValue:
    form = CommitmentForm()
    if not form.validate_on_submit():
        return failed(entity_id, form)
    session, scan, path = database.session(), form.scan.data, None
    try:
        path = notice_papers.store_commitment_scan(session, actor(), entity_id, scan.filename,
                                                   scan.stream) if scan else None
        notice_papers.record_commitment(session, actor(), entity_id,
                                        date.fromisoformat(form.signed_on.data), path)
    except InvalidInput as exc:
        database.rollback()
        if path:  # stored before the date was refused
            (settings().upload_dir / path).unlink(missing_ok=True)
        for name, code in (exc.details.get("fields") or {}).items():
            field = form.scan if name == "scan" else form.signed_on
            field.errors = [*field.errors, str(REFUSED.get(code, REFUSED["type"]))]
        return failed(entity_id, form)
    database.commit()
    flash(_("The signed promise is on file."), "success")
    return redirect(url_for("entities.show", entity_id=entity_id, _anchor="papers"))


@login_required
def scan(commitment_id: int) -> ResponseReturnValue:
    path, content_type = notice_papers.commitment_scan(database.session(), actor(),
                                                       commitment_id)
    response = send_file(path, mimetype=content_type, as_attachment=True,
                         download_name=f"commitment-{commitment_id}{path.suffix}", max_age=0)
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
