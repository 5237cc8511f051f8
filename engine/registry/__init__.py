"""Registry (登记): market entities from the regulator's registration data, by file or API."""

from engine.registry.entities import entity_for_registrar, registrar_filter
from engine.registry.imports import (
    EntityChange,
    ImportReport,
    OnBatch,
    failure_reason,
    import_file,
    import_registrations,
    registrar_units,
)

__all__ = [
    "EntityChange",
    "ImportReport",
    "OnBatch",
    "failure_reason",
    "import_file",
    "import_registrations",
    "entity_for_registrar",
    "registrar_filter",
    "registrar_units",
]
