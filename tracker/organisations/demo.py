"""The demo's organisations carry what the reports group them by: each institute's region, city
and whether it is a legal entity of its own (with its credit code), each enterprise's size and
recognitions. Filled once: what an admin changed since stays."""

from __future__ import annotations

from tracker.organisations.models import Enterprise, EnterpriseSize, Institute
from tracker.organisations.uscc import check_character
from tracker.regions import services as regions

# code: the code of its region (one of JITRI's, `regions.defaults.JIANGSU`), (city, city in
# English), its credit code's first 17 characters when it is a legal entity of its own.
INSTITUTES = {
    "JITRI-AM": ("south", ("南京", "Nanjing"), "12320000MB1234567"),
    "JITRI-IC": ("south", ("无锡", "Wuxi"), None),
    "JITRI-BIO": ("central", ("泰州", "Taizhou"), None),
    "JITRI-RB": ("north", ("徐州", "Xuzhou"), "12320300MB7654321"),
}

# The enterprise's English name: its size and the year of each recognition it holds.
ENTERPRISES = {
    "XCMG Construction Machinery Co., Ltd.": (EnterpriseSize.LARGE, {"high_tech_since": 2023}),
    "Jiangsu Hengrui Pharmaceuticals Co., Ltd.": (EnterpriseSize.LARGE,
                                                  {"high_tech_since": 2024}),
    "Suzhou Novosense Microelectronics Co., Ltd.": (EnterpriseSize.MEDIUM, {
        "specialised_since": 2020, "little_giant_since": 2021, "high_tech_since": 2024,
        "tech_sme_since": 2025}),
}


def fill(institutes: list[Institute], enterprises: list[Enterprise]) -> None:
    for institute in institutes:
        if institute.region_id is not None or institute.code not in INSTITUTES:
            continue
        region, (city, city_en), code = INSTITUTES[institute.code]
        institute.region_id = regions.find(institute.hq_id, region)
        institute.city, institute.city_en = city, city_en
        institute.legal_entity = code is not None
        institute.uscc = code + check_character(code) if code else None
    for enterprise in enterprises:
        if enterprise.size is not None or enterprise.name_en not in ENTERPRISES:
            continue
        size, years = ENTERPRISES[enterprise.name_en]
        enterprise.size = size
        for key, year in years.items():
            setattr(enterprise, key, year)
