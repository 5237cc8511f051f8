"""Joint punishment (失信联合惩戒): the catalogue of measures in versions, the credit check
("一处违法、处处受限") for pages, the API, batches and diagrams, and the implementing
departments' feedback with its figures."""

from engine.credit_check.catalogue import (
    Catalogue,
    Measure,
    catalogue_version,
    current_catalogue,
    may_edit,
    publish_catalogue,
    remove_measure,
    save_measure,
    seed_catalogue,
    versions,
)
from engine.credit_check.check import (
    MAX_BATCH,
    Answer,
    Report,
    Restriction,
    check_codes,
    check_one,
    find_restrictions,
)
from engine.credit_check.diagram import restrictions_for_diagram
from engine.credit_check.feedback import (
    FigureRow,
    Pending,
    awaiting_feedback,
    feedback_figures,
    feedback_of,
    get_check,
    gives_feedback,
    recent_checks,
    record_feedback,
)
from engine.credit_check.files import check_file, codes_of_file
from engine.credit_check.log import LogFilter, LogRow, check_log, export_log
from engine.credit_check.vocabulary import ACTIONS, DEPARTMENTS

__all__ = ["ACTIONS", "Answer", "Catalogue", "DEPARTMENTS", "FigureRow", "LogFilter", "LogRow",
           "MAX_BATCH", "Measure", "Pending", "Report", "Restriction", "awaiting_feedback",
           "catalogue_version", "check_codes", "check_file", "check_log", "check_one",
           "codes_of_file", "current_catalogue", "export_log", "feedback_figures", "feedback_of",
           "find_restrictions", "get_check", "gives_feedback", "may_edit",
           "publish_catalogue", "recent_checks", "record_feedback", "remove_measure",
           "restrictions_for_diagram", "save_measure", "seed_catalogue", "versions"]
