"""Registry (登记): market entities from the regulator's registration data, by file or API.
Its file machinery (formats, encodings, headers, uploads and their progress) serves other
kinds of file too."""

from engine.registry.entities import entity_for_registrar, registrar_filter
from engine.registry.files import (
    Headers,
    RowSpool,
    Source,
    Table,
    normalize_header,
    open_source,
    open_table,
)
from engine.registry.imports import import_file, import_registrations, registrar_units
from engine.registry.report import EntityChange, ImportReport, OnBatch, Preview, failure_reason
from engine.registry.rows import RowProblem, parse_date
from engine.registry.search import index_names, rebuild_name_index, search_entities
from engine.registry.sharing import (
    REGISTRY_ORDER,
    SHARING_ROLES,
    RegistryFilter,
    changed_after,
    registry_query,
    shared_areas,
    shared_filter,
    shares_registry,
)
from engine.registry.uploads import (
    CHECKED,
    CHECKING,
    DISCARDED,
    DONE,
    FAILED,
    IMPORTING,
    UploadProgress,
    file_of,
    finish_upload,
    is_stalled,
    keep_file,
    upload_path,
)
from engine.registry.uscc import problem as uscc_problem
from engine.registry.workbooks import WorkbookLimits

__all__ = [
    "CHECKED",
    "CHECKING",
    "DISCARDED",
    "DONE",
    "FAILED",
    "IMPORTING",
    "REGISTRY_ORDER",
    "SHARING_ROLES",
    "EntityChange",
    "Headers",
    "ImportReport",
    "OnBatch",
    "Preview",
    "RegistryFilter",
    "RowProblem", "RowSpool",
    "Source",
    "Table",
    "UploadProgress",
    "WorkbookLimits",
    "changed_after",
    "entity_for_registrar",
    "failure_reason",
    "file_of",
    "finish_upload",
    "import_file",
    "import_registrations",
    "is_stalled",
    "keep_file",
    "normalize_header",
    "open_source",
    "open_table", "parse_date",
    "registrar_filter",
    "registrar_units",
    "registry_query",
    "shared_areas",
    "shared_filter",
    "shares_registry",
    "index_names",
    "rebuild_name_index",
    "search_entities",
    "upload_path",
    "uscc_problem",
]
