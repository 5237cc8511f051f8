"""Labels the portal's pages and its PDF share."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

# The public registration fields (engine.disclosure.public.PUBLIC_REGISTRATION, but the
# name) in the order the page, the report and the PDF show them.
REGISTRATION_LABELS = {
    "uscc": _l("Unified social credit code"), "registration_number": _l("Registration number"),
    "entity_type": _l("Entity type"), "legal_representative": _l("Legal representative"),
    "established_on": _l("Established on"), "address": _l("Address"),
    "business_scope": _l("Business scope"), "registration_authority": _l("Registration authority"),
    "status": _l("Status")}
