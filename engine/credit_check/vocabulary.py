"""The fixed words of joint punishment: the action types a check asks about, and the
member departments (by code suffix) that initiate and implement measures."""

from __future__ import annotations

# What an implementing department is about to do for an entity (联合惩戒的应用场景).
ACTIONS = (
    "licence",  # 行政许可审批
    "honour",  # 评先评优、荣誉称号
    "subsidy",  # 财政补贴、政策性资金
    "qualification",  # 资质认定、资格审核
    "procurement",  # 政府采购
    "bidding",  # 工程招投标
    "land_supply",  # 国有土地出让
    "simplified_deregistration",  # 简易注销
    "financing",  # 融资授信
    "public_office",  # 担任法定代表人、高管或公职
)

# The member departments of the joint meeting (engine.seed.baoshan.DEPARTMENTS' suffixes).
DEPARTMENTS = ("amr", "ndrc", "edu", "psb", "civil", "justice", "finance", "hrss", "nrp",
               "eco", "housing", "transport", "agri", "water", "commerce", "culture",
               "health", "emergency", "forestry", "tax", "fire", "tobacco")

# A catalogue holds at most this many measures (the memoranda list a few dozen).
MAX_MEASURES = 500
