"""The words of a spot check's result (DOMAIN.md, "双随机、一公开"): the standard result
codes, the follow-ups, and the states an inspection passes through."""

from __future__ import annotations

RESULT_CODES: dict[str, tuple[str, str]] = {
    "no_problem": ("未发现问题", "No problem found"),
    "not_published": ("未按规定公示应当公示的信息", "Information not published as required"),
    "false_disclosure": ("公示信息隐瞒真实情况弄虚作假", "Published information false"),
    "unreachable": ("通过登记的住所（经营场所）无法联系",
                    "Not reachable at the registered address"),
    "corrected": ("发现问题经责令已改正", "Problem found, corrected when ordered"),
    "not_operating": ("未发现开展本次抽查涉及的经营活动",
                      "Not operating in the checked activity"),
    "refused": ("不配合检查情节严重", "Refused the inspection (serious)"),
    "other_violation": ("违反其他相关规定", "Other provisions violated"),
    "deregistered": ("已注销、已吊销或已迁出", "Deregistered, revoked or moved away"),
}
FOLLOW_UPS: dict[str, tuple[str, str]] = {
    "none": ("无需后续处置", "None needed"),
    "order_publish": ("责令公示", "Order to publish"),
    "order_correct": ("责令改正", "Order to correct"),
    "list_abnormal": ("列入经营异常名录", "List as abnormal"),
    "penalty": ("移交处罚", "Transfer for penalty"),
}
ORDERS = ("order_publish", "order_correct")
STATUSES: dict[str, tuple[str, str]] = {
    "preparing": ("检查准备", "Preparing"),
    "inspecting": ("检查中", "Inspecting"),
    "entering": ("待录入结果", "Result to enter"),
    "reviewing": ("待审核", "To review"),
    "returned": ("已退回", "Returned"),
    "published": ("已公示", "Published"),
    "objected": ("异议复核中", "Objected, re-check"),
    "final": ("已办结", "Final"),
}
DONE = ("published", "objected", "final")  # checked, reviewed and published
PENDING_LISTS = "pending: the lists procedure"
PUBLICATION_DAYS = 20  # working days from the check to the published result
OBJECTION_DAYS = 15  # calendar days after publication
RECHECK_DAYS = 15  # working days (the diagram's recheck task)
