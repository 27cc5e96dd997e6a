"""The regions a new headquarters starts with (`flask hq create`, the demo), by its code. An HQ
whose code is not here starts with none; every list is a start, which its admins rename, add
to and retire on /admin/regions/ (or give at creation: `flask hq create --region`).

Where each comes from (the public documents in shared/seeds/, and the province's own usage):

- JITRI (Jiangsu): the province's three parts, 苏南, 苏中 and 苏北, the division Jiangsu's
  statistics and policies group its 13 cities by, and the rest of the country; the enum the
  institutes had before migration 0112 (its codes are these).
- SYIIT (Shenyang): the districts of Shenyang it builds innovation complexes in with their
  governments, as its WAITRO membership news names them (seed 002: Hunnan, Tiexi, North
  Shenyang New District, Heping; eight district and county governments in all), the city's
  other districts and counties, and outside Shenyang.
- SITI (Shanghai): the seeds say nothing of where its institutes are (its "areas", digital
  services, smart manufacturing, biomedical and green energy, are technical fields,
  tracker/techfields); a short start: Shanghai, the rest of the Yangtze River Delta (the
  region Shanghai's and JITRI's plans integrate with), elsewhere.
"""

from __future__ import annotations

# (code, name, name in English), in the order the lists show them.
JIANGSU = (
    ("south", "苏南", "Southern Jiangsu"),  # Nanjing, Suzhou, Wuxi, Changzhou, Zhenjiang
    ("central", "苏中", "Central Jiangsu"),  # Nantong, Yangzhou, Taizhou
    ("north", "苏北", "Northern Jiangsu"),  # Xuzhou, Lianyungang, Huai'an, Yancheng, Suqian
    ("outside", "省外", "Outside Jiangsu"),  # elsewhere in China or abroad
)

BY_HQ = {
    "JITRI": JIANGSU,
    "SITI": (
        ("shanghai", "上海市", "Shanghai"),
        ("delta", "长三角其他地区", "Elsewhere in the Yangtze River Delta"),
        ("outside", "其他地区", "Elsewhere"),
    ),
    "SYIIT": (
        ("hunnan", "浑南区", "Hunnan District"),
        ("tiexi", "铁西区", "Tiexi District"),
        ("shenbei", "沈北新区", "Shenbei New District"),
        ("heping", "和平区", "Heping District"),
        ("shenyang", "沈阳市其他区县", "Elsewhere in Shenyang"),
        ("outside", "沈阳市外", "Outside Shenyang"),
    ),
}
