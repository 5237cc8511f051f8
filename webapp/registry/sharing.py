"""The registry shared with departments (互联共享): a search of the user's area, its Excel
export; who reads which area is engine.registry.sharing's."""

from __future__ import annotations

import io
from typing import Any

from flask import flash, redirect, render_template, request, send_file, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from engine import clock, registry, shared_registry
from engine.errors import InvalidInput
from engine.org.areas import areas
from engine.registry import RegistryFilter
from webapp import database
from webapp.access import actor, roles_required, user
from webapp.downloads import XLSX
from webapp.dual_notice.forms import ANY, day_of
from webapp.dual_notice.labels import ENTITY_STATUSES, ENTITY_TYPES, FIELDS
from webapp.params import page_arg
from webapp.registry.forms import SharedSearchForm

PER_PAGE = 25
FILTER_KEYS = ("name", "uscc", "entity_type", "status", "township", "area",
               "established_from", "established_to")


def search_form() -> tuple[SharedSearchForm, RegistryFilter]:
    """The form from the query string, and the filter it asks for (nothing when invalid)."""
    session = database.session()
    form = SharedSearchForm(request.args)
    form.entity_type.choices = [("", ANY), *((k, str(v)) for k, v in ENTITY_TYPES.items())]
    form.status.choices = [("", ANY), *((k, str(v)) for k, v in ENTITY_STATUSES.items())]
    if registry.shared_areas(session, user()) is None:
        form.area.choices = [("", ANY), *areas(session)]
    else:
        del form.area  # a county's reader reads that county only
    if not form.validate():
        return form, RegistryFilter()
    area = form.area.data if "area" in form else None
    return form, RegistryFilter(
        name=form.name.data or None, uscc=form.uscc.data or None,
        entity_type=form.entity_type.data or None, status=form.status.data or None,
        township=form.township.data or None, area_code=area or None,
        established_from=day_of(form.established_from.data),
        established_to=day_of(form.established_to.data))


def asked_args() -> dict[str, str]:
    return {k: request.args[k] for k in FILTER_KEYS if request.args.get(k)}


@roles_required(*registry.SHARING_ROLES)
def index() -> ResponseReturnValue:
    form, asked = search_form()
    page = shared_registry.search_registry(database.session(), user(), asked, page_arg(),
                                           PER_PAGE)
    args = asked_args()
    return render_template("registry/shared.html", form=form, page=page, args=args,
                           filtered=bool(args), max_export=shared_registry.MAX_EXPORT_ROWS)


@roles_required(*registry.SHARING_ROLES)
def export() -> ResponseReturnValue:
    """The search as a workbook, personal data masked; an audited export."""
    _form, asked = search_form()
    out = io.BytesIO()
    headers = [str(FIELDS[name]) for name in shared_registry.SHARED_FIELDS]
    try:
        shared_registry.export_registry(database.session(), actor(), asked, headers, out)
    except InvalidInput as exc:
        if exc.code != "export_too_large":
            raise
        flash(_("%(n)d entities match; an export holds at most %(max)d. Narrow the search "
                "and export again.", n=int(str(exc.details["total"])),
                max=shared_registry.MAX_EXPORT_ROWS), "error")
        return redirect(url_for("registry.shared", **asked_args()))
    database.commit()
    out.seek(0)
    name = f"registry-{clock.now().strftime('%Y%m%d-%H%M')}.xlsx"
    return send_file(out, mimetype=XLSX, as_attachment=True, download_name=name, max_age=0)


def nav() -> dict[str, Any]:
    """Whether the header offers the shared registry (registrars reach it by their tabs)."""
    if not current_user or not current_user.is_authenticated:
        return {"nav_shared_registry": False}
    return {"nav_shared_registry": current_user.user.has_role(*registry.SHARING_ROLES)}
