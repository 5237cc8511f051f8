"""Post/Redirect/Get for forms that fail: the browser is sent back to the page with what
was typed and the errors, so Back and reload never offer to send a form again.

A failed form is kept in the session (compressed; a signed cookie) under a key naming
the page and the form, and taken out by the next GET of that page. Files cannot be kept:
a failed upload comes back with its errors and an empty file field. A form too large to
keep (beyond `MAX_BYTES` compressed) is shown again in the POST's own response, as
before, rather than losing what was typed.
"""

from __future__ import annotations

import base64
import json
import zlib
from typing import Any, TypeVar

from flask import redirect, request, session
from flask.typing import ResponseReturnValue
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict

STASH = "failed_form"
MAX_BYTES = 2500
F = TypeVar("F", bound=FlaskForm)


def send_back(form: FlaskForm, key: str, url: str) -> ResponseReturnValue | None:
    """Keep the failed `form` for `key` and redirect (303) to `url` at its first error;
    None when the form is too large to keep (the caller renders it instead)."""
    values = [(name, value) for name, value in request.form.items(multi=True)
              if name != "csrf_token"]
    errors = {name: [str(e) for e in field.errors]
              for name, field in form._fields.items() if field.errors}
    packed = base64.b64encode(zlib.compress(json.dumps(
        {"key": key, "values": values, "errors": errors}, ensure_ascii=False).encode())).decode()
    if len(packed) > MAX_BYTES:
        return None
    session[STASH] = packed
    first = next(iter(errors), None)
    field = form._fields.get(first) if first else None
    anchor = f"#field-{field.id}" if field is not None else ""
    return redirect(url + anchor, code=303)


def recall(form_class: type[F], key: str, **kwargs: Any) -> F | None:
    """The form kept for `key`, with its values and errors, once; None if there is none."""
    packed = session.get(STASH)
    if not packed:
        return None
    try:
        kept = json.loads(zlib.decompress(base64.b64decode(packed)))
    except (ValueError, zlib.error):
        session.pop(STASH, None)
        return None
    if kept.get("key") != key:
        return None
    session.pop(STASH, None)
    form = form_class(formdata=MultiDict(kept["values"]), **kwargs)
    for name, messages in kept["errors"].items():
        if name in form._fields:
            form._fields[name].errors = list(messages)
    return form

