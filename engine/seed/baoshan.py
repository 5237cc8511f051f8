"""The Baoshan organisation: areas, joint-meeting offices, member departments, stations."""

from __future__ import annotations

# The province: only its market regulator is on the platform, to approve the city's
# serious-list decisions (one level up).
PROVINCE = ("530000", "云南省")
PROVINCE_AMR = ("530000-amr", "云南省市场监督管理局")
CITY = ("530500", "保山市")
COUNTIES = [
    ("530502", "隆阳区"),
    ("530521", "施甸县"),
    ("530523", "龙陵县"),
    ("530524", "昌宁县"),
    ("530581", "腾冲市"),
]

# (code suffix, name) of the member departments at city and county level.
DEPARTMENTS = [
    ("amr", "市场监管局"),
    ("ndrc", "发展改革委"),
    ("edu", "教育体育局"),
    ("psb", "公安局"),
    ("civil", "民政局"),
    ("justice", "司法局"),
    ("finance", "财政局"),
    ("hrss", "人力资源社会保障局"),
    ("nrp", "自然资源规划局"),
    ("eco", "生态环境局"),
    ("housing", "住房城乡建设局"),
    ("transport", "交通运输局"),
    ("agri", "农业农村局"),
    ("water", "水务局"),
    ("commerce", "商务局"),
    ("culture", "文化和旅游局"),
    ("health", "卫生健康委"),
    ("emergency", "应急管理局"),
    ("forestry", "林业和草原局"),
    ("tax", "税务局"),
    ("fire", "消防救援"),
    ("tobacco", "烟草专卖局"),
]

# Sections (科/股) of the market regulator at each level.
AMR_SECTIONS = [
    ("reg", "登记注册科"),
    ("credit", "信用监督管理科"),
    ("enforce", "综合行政执法队"),
]

# Township market-supervision stations (市场监管所) under each county's regulator.
STATIONS = {
    "530502": ["永昌", "兰城", "板桥", "金鸡", "汉庄"],
    "530521": ["甸阳", "姚关", "太平"],
    "530523": ["龙山", "镇安", "勐糯"],
    "530524": ["田园", "柯街", "卡斯"],
    "530581": ["腾越", "和顺", "固东", "猴桥"],
}

# Industrial parks (园区) with the area whose departments serve them.
PARKS = [
    ("530502-park-gm", "保山工贸园区", "530502"),
    ("530502-park-hx", "保山高新技术产业开发区", "530502"),
    ("530581-park-bj", "腾冲边境经济合作区", "530581"),
]


def department_name(area_name: str, suffix: str, name: str, is_city: bool) -> str:
    if suffix == "fire":
        return f"{area_name}消防救援{'支队' if is_city else '大队'}"
    return f"{area_name}{name}"
