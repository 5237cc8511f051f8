"""Enterprise information (涉企信息归集公示): records entered by departments, reviewed,
published on the portal, withdrawn, expired and ended early (credit repair). The
publication service other domains call to publish what they produce."""

from engine.disclosure.categories import CATEGORIES, Category, category, public_fields
from engine.disclosure.lights import record_light
from engine.disclosure.procedure import (
    PROCESS_KEY,
    apply_for_repair,
    complete_step,
    open_steps,
    record_of_instance,
    report_revocation,
    review,
    submit,
)
from engine.disclosure.produced import draft_for_department
from engine.disclosure.records import (
    change_record,
    entering_department,
    form_values,
    get_record,
    new_record,
    record_filter,
    require_issuer,
)

__all__ = ["CATEGORIES", "PROCESS_KEY", "Category", "apply_for_repair", "category",
           "change_record", "complete_step", "draft_for_department", "entering_department",
           "form_values", "get_record", "new_record", "open_steps", "public_fields",
           "record_filter", "record_light", "record_of_instance", "report_revocation",
           "require_issuer", "review", "submit"]
