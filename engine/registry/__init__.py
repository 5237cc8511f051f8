"""Registry (登记): market entities from the regulator's registration data, by file or API."""

from engine.registry.entities import entity_for_registrar, registrar_filter
from engine.registry.imports import import_file, import_registrations, registrar_units
from engine.registry.report import EntityChange, ImportReport, OnBatch, Preview, failure_reason
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
from engine.registry.uscc import problem as uscc_problem

__all__ = [
    "uscc_problem",
    "REGISTRY_ORDER",
    "SHARING_ROLES",
    "EntityChange",
    "ImportReport",
    "OnBatch",
    "Preview",
    "RegistryFilter",
    "changed_after",
    "failure_reason",
    "import_file",
    "import_registrations",
    "entity_for_registrar",
    "registrar_filter",
    "registrar_units",
    "registry_query",
    "shared_areas",
    "shared_filter",
    "shares_registry",
    "index_names",
    "rebuild_name_index",
    "search_entities",
]
