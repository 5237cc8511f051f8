"""Double random, one public (双随机、一公开): plans and tasks, the item list, the officer
directory, special pools, and a task's page with its sealed draw; the route table of the
`spot_check` blueprint."""

from __future__ import annotations

from typing import Any

from flask import Blueprint

from webapp.spot_check import lists, plans, risk, task

bp = Blueprint("spot_check", __name__, url_prefix="/spot-checks")
bp.add_url_rule("/", view_func=lists.index)
bp.add_url_rule("/plans", "create_plan", view_func=plans.create_plan, methods=["POST"])
bp.add_url_rule("/plans/<int:plan_id>", "plan", view_func=plans.plan)
bp.add_url_rule("/plans/<int:plan_id>/file", "file_plan", view_func=plans.file_plan,
                methods=["POST"])
bp.add_url_rule("/plans/<int:plan_id>/decide", "decide_plan", view_func=plans.decide_plan,
                methods=["POST"])
bp.add_url_rule("/items", "items", view_func=lists.items)
bp.add_url_rule("/items", "save_item", view_func=lists.save_item, methods=["POST"])
bp.add_url_rule("/officers", "officers", view_func=lists.officers)
bp.add_url_rule("/officers/qualifications", "qualify", view_func=lists.qualify,
                methods=["POST"])
bp.add_url_rule("/officers/conflicts", "declare", view_func=lists.declare, methods=["POST"])
bp.add_url_rule("/pools", "pools", view_func=lists.pools)
bp.add_url_rule("/pools", "create_pool", view_func=lists.create_pool, methods=["POST"])
bp.add_url_rule("/risk-classes", "risk_classes", view_func=risk.risk_classes)
bp.add_url_rule("/risk-classes", "set_risk", view_func=risk.set_risk, methods=["POST"])
bp.add_url_rule("/risk-classes/upload", "upload_risk", view_func=risk.upload_risk,
                methods=["POST"])
bp.add_url_rule("/tasks/new", "new_task", view_func=task.new_task)
bp.add_url_rule("/tasks/new", "create_task", view_func=task.create_task, methods=["POST"])
bp.add_url_rule("/tasks/<int:task_id>", "task", view_func=task.task)
bp.add_url_rule("/tasks/<int:task_id>/draw", "draw", view_func=task.draw, methods=["POST"])
bp.add_url_rule("/draws/<int:draw_id>/verify", "verify", view_func=task.verify,
                methods=["POST"])
bp.add_url_rule("/draws/<int:draw_id>/release", "release", view_func=task.release,
                methods=["POST"])
bp.add_url_rule("/draws/<int:draw_id>/void", "void", view_func=task.void, methods=["POST"])
bp.add_url_rule("/draws/<int:draw_id>/recuse", "recuse", view_func=task.recuse,
                methods=["POST"])


@bp.app_context_processor
def _navigation() -> dict[str, Any]:
    """Whether the viewer keeps risk classes (the sub-menu's link), asked when shown."""
    return {"keeps_risk": risk.keeps_risk}
