"""What officers do on an inspection's page: record the checklist, add a photo, confirm,
take the open step, record an objection. Each calls one engine function and commits; a
browser gets a redirect (PRG), the page's script (which sends a draft kept on the phone)
asks for JSON and gets what happened."""

from __future__ import annotations

from collections.abc import Callable

from flask import flash, jsonify, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import login_required
from flask_wtf import FlaskForm

from engine import inspection
from engine.errors import Conflict, InvalidInput
from engine.runtime.forms import form_of_task
from webapp import database
from webapp.access import actor
from webapp.errors import message_for
from webapp.forms import submitted_values, task_form_class
from webapp.i18n import select_locale
from webapp.inspection.forms import ActionForm, FieldForm, ObjectionForm, PhotoForm
from webapp.inspection.pages import inspection_page
from webapp.prg import send_back


def wants_json() -> bool:
    return request.accept_mimetypes.best == "application/json"


def run(inspection_id: int, key: str, form: FlaskForm, act: Callable[[], object],
        done: str) -> ResponseReturnValue:
    """Check the form, act, commit, back to the page (or JSON for the page's script); a
    failed form is kept (PRG), a refusal said."""
    here = url_for("inspections.show", inspection_id=inspection_id)
    if form.validate_on_submit():
        try:
            act()
        except InvalidInput as exc:
            database.rollback()
            for name in (exc.details.get("fields") or {}):  # type: ignore[union-attr]
                if name in form:
                    form[name].errors = [*form[name].errors, _("This value is not accepted.")]
            if wants_json():
                return jsonify(ok=False, error=message_for(exc)), 422
        except Conflict as exc:  # someone was first, or the step moved on: say so
            database.rollback()
            if wants_json():
                return jsonify(ok=False, error=message_for(exc)), 409
            flash(message_for(exc), "error")
            return redirect(here)
        else:
            database.commit()
            if wants_json():
                return jsonify(ok=True, message=done)
            flash(done, "success")
            return redirect(here)
    if wants_json():
        return jsonify(ok=False, error=_("Some values are not accepted.")), 422
    return (send_back(form, f"inspection:{inspection_id}:{key}", here)
            or inspection_page(inspection_id, failed={key: form}))


@login_required
def field(inspection_id: int) -> ResponseReturnValue:
    form = FieldForm()
    answers = {name.removeprefix("answer_"): value for name, value in request.form.items()
               if name.startswith("answer_") and value}

    def act() -> None:
        session = database.session()
        inspection.save_field_record(session, actor(), inspection_id, answers,
                                     form.findings.data or "")
        if form.confirm.data:
            inspection.confirm(session, actor(), inspection_id)

    return run(inspection_id, "field", form, act, _("The inspection record is saved."))


@login_required
def photo(inspection_id: int) -> ResponseReturnValue:
    form = PhotoForm()
    upload = request.files.get("photo")

    def act() -> None:
        if upload is None or not upload.filename:
            raise InvalidInput("no photo", fields={"photo": "required"})
        place = (form.lat.data, form.lon.data) if form.lat.data is not None \
            and form.lon.data is not None else None
        inspection.add_photo(database.session(), actor(), inspection_id, upload.filename,
                             upload.stream, place)

    return run(inspection_id, "photo", form, act, _("Photo added."))


@login_required
def confirm(inspection_id: int) -> ResponseReturnValue:
    return run(inspection_id, "action", ActionForm(), lambda: inspection.confirm(
        database.session(), actor(), inspection_id), _("Confirmed."))


@login_required
def step(inspection_id: int, item_id: int) -> ResponseReturnValue:
    session = database.session()
    row = inspection.get_inspection(session, actor(), inspection_id)
    item = next((i for i in inspection.open_steps(session, row) if i.id == item_id), None)
    if item is None:
        flash(_("This step is already done."), "error")
        return redirect(url_for("inspections.show", inspection_id=inspection_id))
    definition = form_of_task(database.session(), item)
    form: FlaskForm = (task_form_class(definition, select_locale())() if definition
                       else ActionForm())

    def act() -> object:
        values = submitted_values(form, definition) if definition else {}
        return inspection.complete_step(session, actor(), item_id, values)

    return run(inspection_id, f"step:{item_id}", form, act, _("Done."))


@login_required
def objection(inspection_id: int) -> ResponseReturnValue:
    form = ObjectionForm()
    return run(inspection_id, "objection", form, lambda: inspection.record_objection(
        database.session(), actor(), inspection_id, form.objection.data or ""),
        _("Objection recorded: the officers re-check within 15 working days."))
