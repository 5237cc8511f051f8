"""Which dual-notice links the header and the section tabs offer the signed-in user."""

from __future__ import annotations

from typing import Any

from flask_login import current_user

from engine.registry.uploads import is_registrar
from webapp import database
from webapp.access import MANAGER_ROLES


def links() -> dict[str, Any]:
    if not current_user or not current_user.is_authenticated:
        return {"nav_registrar": False, "nav_figures": False}
    user = current_user.user
    return {"nav_registrar": is_registrar(database.session(), user),
            "nav_figures": user.has_role(*MANAGER_ROLES)}
