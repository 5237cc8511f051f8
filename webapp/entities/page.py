"""The page of a market entity: its registration (personal data masked; an audited reveal),
its notices with their history, its trail; and the search that leads there."""

from __future__ import annotations

from flask import render_template, request
from flask.typing import ResponseReturnValue
from flask_login import login_required
from flask_wtf import FlaskForm

from engine import entity_records
from engine.entity_page import entity_page
from webapp import database
from webapp.access import actor, user
from webapp.entities.forms import CommitmentForm, RevealForm, SearchForm
from webapp.prg import recall
from webapp.work.inbox import user_calendar

PER_PAGE = 25


@login_required
def index() -> ResponseReturnValue:
    form = SearchForm(request.args)
    text = form.q.data if form.validate() else None
    page = entity_records.find_entities(database.session(), user(), text,
                                        request.args.get("page", 1, int), PER_PAGE)
    return render_template("entities/index.html", form=form, page=page,
                           args={"q": text} if text else {})


def render_entity(entity_id: int, *, reveal_reason: str | None = None,
                  reveal_form: FlaskForm | None = None,
                  commitment_form: FlaskForm | None = None, status: int = 200
                  ) -> ResponseReturnValue:
    page = entity_page(database.session(), actor(), entity_id, user_calendar(),
                       reveal_reason=reveal_reason)
    return render_template(
        "entities/show.html", page=page, entity=page.registration.entity,
        values=page.registration.values,
        reveal_form=reveal_form or RevealForm(formdata=None),
        commitment_form=commitment_form or CommitmentForm(formdata=None)), status


@login_required
def show(entity_id: int) -> ResponseReturnValue:
    return render_entity(entity_id, commitment_form=recall(
        CommitmentForm, f"entity:{entity_id}:commitment"))


@login_required
def reveal(entity_id: int) -> ResponseReturnValue:
    """The registration unmasked, in this response only: each reveal is one audited read."""
    form = RevealForm()
    if not form.validate_on_submit():
        return render_entity(entity_id, reveal_form=form, status=422)
    response = render_entity(entity_id, reveal_reason=form.reason.data,
                             reveal_form=RevealForm(formdata=None))
    database.commit()
    return response
