"""The case file of a task: comments, attachments, and its diagram for the viewer."""

from __future__ import annotations

from flask import Response, flash, jsonify, redirect, send_file, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required

from engine.errors import InvalidInput
from engine.work import attachments, casework, comments
from webapp import database
from webapp.access import actor
from webapp.work.tasks.actions import visible
from webapp.work.tasks.forms import CommentForm, UploadForm

UPLOAD_MESSAGES = {
    "type": _l("This type of file is not accepted."),
    "too_large": _l("The file is larger than allowed."),
    "empty": _l("The file is empty."),
}


@login_required
def comment(item_id: int) -> ResponseReturnValue:
    visible(item_id)
    form = CommentForm()
    if form.validate_on_submit():
        comments.add_comment(database.session(), actor(), item_id, form.body.data)
        database.commit()
        flash(_("Comment added."), "success")
    else:
        flash(_("A comment needs text."), "error")
    return redirect(url_for("tasks.show", item_id=item_id, _anchor="comments"))


@login_required
def upload(item_id: int) -> ResponseReturnValue:
    visible(item_id)
    form = UploadForm()
    if not form.validate_on_submit():
        flash(_("Choose a file."), "error")
        return redirect(url_for("tasks.show", item_id=item_id, _anchor="attachments"))
    try:
        attachments.add_attachment(database.session(), actor(), item_id,
                                   form.file.data.filename, form.file.data.stream)
    except InvalidInput as exc:
        database.rollback()
        code = (exc.details.get("fields") or {}).get("file", "type")
        flash(str(UPLOAD_MESSAGES.get(code, UPLOAD_MESSAGES["type"])), "error")
        return redirect(url_for("tasks.show", item_id=item_id, _anchor="attachments"))
    database.commit()
    flash(_("File added."), "success")
    return redirect(url_for("tasks.show", item_id=item_id, _anchor="attachments"))


@login_required
def download(attachment_id: int) -> ResponseReturnValue:
    stored = attachments.open_attachment(database.session(), actor(), attachment_id)
    row = stored.attachment
    # names stored before they were cleaned on upload may hold CR, LF or NUL
    name = attachments.safe_file_name(row.filename) or f"attachment-{row.id}"
    response = send_file(stored.path, mimetype=row.content_type, as_attachment=True,
                         download_name=name, max_age=0)
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@login_required
def diagram_xml(item_id: int) -> ResponseReturnValue:
    xml = casework.diagram_xml(database.session(), actor(), item_id)
    return Response(xml, mimetype="application/xml")


@login_required
def diagram_states(item_id: int) -> ResponseReturnValue:
    states = casework.diagram_states(database.session(), actor(), item_id)
    return jsonify(current=states.current, completed=states.completed, active=states.active)
