"""The first catalogue: measures from the joint punishment memoranda (联合惩戒备忘录) and
the regulations they rest on, as a market regulator starts with them."""

from __future__ import annotations

from typing import Any

MEMORANDUM = "关于对失信企业协同监管和联合惩戒合作备忘录（发改财金〔2015〕2045号）"
DISCLOSURE_REGULATION = "企业信息公示暂行条例"
DEREGISTRATION = "关于推行企业简易注销登记改革的指导意见（工商企注字〔2016〕253号）"
SERIOUS_RULES = "市场监督管理严重违法失信名单管理办法（国家市场监督管理总局令第44号）"
ABNORMAL_RULES = "企业经营异常名录管理暂行办法（国家工商行政管理总局令第68号）"


def _measure(code: str, list_type: str, title: str, document: str, clause: str,
             initiating: str, implementing: list[str], actions: list[str],
             period_years: int | None = None) -> dict[str, Any]:
    return {"code": code, "list_type": list_type, "title": title, "basis_document": document,
            "basis_clause": clause, "initiating_department": initiating,
            "implementing_departments": implementing, "actions": actions,
            "period_years": period_years}


SEED_MEASURES: list[dict[str, Any]] = [
    _measure("M01", "abnormal", "不适用简易注销程序", DEREGISTRATION, "第二条",
             "amr", ["amr"], ["simplified_deregistration"]),
    _measure("M02", "serious", "不适用简易注销程序", DEREGISTRATION, "第二条",
             "amr", ["amr"], ["simplified_deregistration"]),
    _measure("M03", "abnormal",
             "在政府采购、工程招投标、国有土地出让中作为重要考量因素，依法予以限制",
             DISCLOSURE_REGULATION, "第十八条", "amr", ["finance", "housing", "nrp"],
             ["procurement", "bidding", "land_supply"]),
    _measure("M04", "abnormal", "不得授予荣誉称号", DISCLOSURE_REGULATION, "第十八条",
             "amr", ["hrss", "civil", "commerce"], ["honour"]),
    _measure("M05", "serious", "依法限制参加政府采购活动", MEMORANDUM, "第二部分第（一）项",
             "amr", ["finance"], ["procurement"]),
    _measure("M06", "serious", "依法限制参与工程等招标投标", MEMORANDUM, "第二部分第（二）项",
             "amr", ["ndrc", "housing", "transport", "water"], ["bidding"]),
    _measure("M07", "serious", "依法限制取得政府供应土地", MEMORANDUM, "第二部分第（三）项",
             "amr", ["nrp"], ["land_supply"]),
    _measure("M08", "serious", "限制申请财政性资金项目和政策性补贴", MEMORANDUM,
             "第二部分第（四）项", "amr", ["finance", "ndrc", "agri", "commerce"], ["subsidy"]),
    _measure("M09", "serious", "在行政许可审批中从严审核，列为重点监管对象", MEMORANDUM,
             "第二部分第（五）项", "amr",
             ["amr", "health", "eco", "transport", "culture", "emergency", "forestry"],
             ["licence"]),
    _measure("M10", "serious", "在资质认定和资格审核中依法予以限制", MEMORANDUM,
             "第二部分第（六）项", "amr", ["housing", "transport", "water", "hrss"],
             ["qualification"]),
    _measure("M11", "serious", "不得授予文明单位、先进企业等荣誉称号，已授予的撤销",
             MEMORANDUM, "第二部分第（七）项", "amr", ["hrss", "civil", "commerce", "culture"],
             ["honour"]),
    _measure("M12", "serious", "在融资授信中作为审慎考虑因素", MEMORANDUM,
             "第二部分第（八）项", "amr", ["finance"], ["financing"]),
    _measure("M13", "serious", "法定代表人、负责人三年内不得担任其他企业的法定代表人、负责人",
             SERIOUS_RULES, "第十九条", "amr", ["amr"], ["public_office"], 3),
    _measure("M14", "abnormal", "在行政许可审批中列为重点审查对象", ABNORMAL_RULES,
             "第十八条", "amr", ["amr", "health", "culture"], ["licence"]),
]
