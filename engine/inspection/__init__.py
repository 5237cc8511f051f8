"""Spot-check inspections (双随机、一公开, 抽查检查): one case per drawn target, from the
drawn pair's preparation to the published, objected and re-checked result, with its
follow-ups; the figures of a department's spot checks."""

from engine.inspection.cases import (
    PROCESS_KEY,
    get_inspection,
    inspection_of_instance,
    open_steps,
    start_inspections,
)
from engine.inspection.field import (
    ANSWERS,
    add_photo,
    checklist_keys,
    confirm,
    missing_lines,
    save_field_record,
)
from engine.inspection.figures import DepartmentFigures, spot_check_figures
from engine.inspection.lights import inspection_light
from engine.inspection.queries import (
    entity_filter,
    entity_inspections,
    inspection_filter,
    inspections_for,
)
from engine.inspection.results import (
    ABNORMAL_HANDLERS,
    abnormal_requests,
    objection_deadline,
    objection_window_of,
    record_objection,
    take_public_objection,
)
from engine.inspection.steps import complete_step
from engine.inspection.vocabulary import FOLLOW_UPS, RESULT_CODES, STATUSES

__all__ = ["ABNORMAL_HANDLERS", "ANSWERS", "FOLLOW_UPS", "PROCESS_KEY", "RESULT_CODES",
           "STATUSES", "DepartmentFigures", "abnormal_requests", "add_photo", "checklist_keys",
           "complete_step", "confirm", "entity_filter", "entity_inspections",
           "get_inspection", "inspection_filter", "inspections_for", "inspection_light",
           "inspection_of_instance", "missing_lines", "objection_deadline", "objection_window_of",
           "open_steps", "record_objection", "save_field_record", "spot_check_figures",
           "start_inspections", "take_public_objection"]
