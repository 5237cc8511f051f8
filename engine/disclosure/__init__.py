"""Enterprise information (涉企信息归集公示): records entered by departments, reviewed,
published on the portal, withdrawn, expired and ended early (credit repair). The
publication service other domains call to publish what they produce."""

from engine.disclosure.bulk import (
    RowProblem,
    check_rows,
    direct_publication,
    enter_checked,
    set_direct_publication,
)
from engine.disclosure.categories import (
    CATEGORIES,
    Category,
    RecordForm,
    category,
    deploy_record_forms,
    public_fields,
    record_form,
)
from engine.disclosure.columns import headers_of, template_headers
from engine.disclosure.files import BulkReport, import_records, template_csv
from engine.disclosure.imports import (
    check_records_file,
    discard_records_file,
    get_records_file,
    recent_records_files,
    run_records_import,
    start_records_import,
    store_records_file,
)
from engine.disclosure.lights import record_light
from engine.disclosure.objections import PROCEDURES as OBJECTION_PROCEDURES
from engine.disclosure.objections import (
    ProcedureObjections,
    answer_record_objections,
    objection_window,
)
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
from engine.disclosure.produced import (
    draft_for_department,
    publish_for_procedure,
    publish_reviewed,
)
from engine.disclosure.pushes import push_records
from engine.disclosure.records import (
    change_record,
    entering_department,
    form_values,
    get_record,
    new_record,
    record_filter,
    require_issuer,
)

__all__ = ["CATEGORIES", "OBJECTION_PROCEDURES", "PROCESS_KEY", "BulkReport", "Category",
           "ProcedureObjections", "RecordForm", "RowProblem", "answer_record_objections",
           "objection_window",
           "apply_for_repair", "category", "change_record", "check_records_file",
           "check_rows", "complete_step", "deploy_record_forms", "direct_publication",
           "discard_records_file",
           "draft_for_department", "enter_checked", "entering_department", "form_values",
           "get_record", "get_records_file", "headers_of", "import_records", "new_record",
           "open_steps", "public_fields", "publish_for_procedure", "publish_reviewed",
           "push_records",
           "recent_records_files", "record_filter",
           "record_form", "record_light", "record_of_instance", "report_revocation",
           "require_issuer", "review",
           "run_records_import", "set_direct_publication", "start_records_import",
           "store_records_file", "submit", "template_csv", "template_headers"]
