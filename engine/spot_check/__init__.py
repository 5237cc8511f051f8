"""Double random, one public (双随机、一公开): the item list, the officer and target
directories, plans, tasks and their sealed, replayable draws."""

from engine.spot_check.access import is_regulator_admin, may_replay
from engine.spot_check.algorithm import ALGORITHM, RECUSAL_ALGORITHM
from engine.spot_check.directory import (
    POOL_SOURCES,
    RISK_CLASSES,
    ItemFields,
    build_pool,
    conflicts_of,
    declare_by_uscc,
    declare_conflict,
    get_item,
    grant_qualification,
    list_items,
    qualifications,
    save_item,
)
from engine.spot_check.draw import (
    Verification,
    draw_task,
    draws_of,
    get_draw,
    mark_released,
    recuse_officer,
    standing_draw,
    teams,
    verify_draw,
    void_draw,
)
from engine.spot_check.plans import (
    PLAN_PROCESS,
    complete_plan_step,
    create_plan,
    decide_plan,
    file_plan,
    get_plan,
    level_above,
    list_plans,
    plan_names,
    plan_of_instance,
    plan_steps,
    plan_summary,
    plans_to_decide,
)
from engine.spot_check.pools import make_pool
from engine.spot_check.risk import (
    RiskChange,
    may_set_risk,
    parse_risk_file,
    risk_changes,
    set_risk_class,
    set_risk_classes,
)
from engine.spot_check.targets import inspection_targets
from engine.spot_check.tasks import (
    TaskFields,
    create_task,
    get_task,
    list_tasks,
    task_items,
    task_units,
)

__all__ = ["ALGORITHM", "ItemFields", "PLAN_PROCESS", "POOL_SOURCES", "RECUSAL_ALGORITHM",
           "RISK_CLASSES", "RiskChange", "TaskFields", "Verification", "build_pool",
           "complete_plan_step", "conflicts_of", "create_plan", "create_task", "decide_plan",
           "declare_by_uscc", "declare_conflict", "draw_task", "draws_of", "file_plan", "get_draw",
           "get_item", "get_plan", "get_task", "grant_qualification", "inspection_targets",
           "is_regulator_admin", "level_above", "list_items", "list_plans", "list_tasks",
           "make_pool", "mark_released", "may_replay", "may_set_risk", "parse_risk_file",
           "plan_names", "plan_of_instance", "plan_steps", "plan_summary", "plans_to_decide",
           "qualifications", "recuse_officer", "risk_changes", "save_item", "set_risk_class",
           "set_risk_classes", "standing_draw", "task_items", "task_units", "teams", "verify_draw",
           "void_draw"]
