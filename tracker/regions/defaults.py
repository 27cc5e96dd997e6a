"""The regions a new headquarters starts with (`flask hq create`, the demo), by its code: the
province's parts and the rest of the country, as each network's reports have grouped its
institutes. An HQ whose code is not here starts with none, and its admins add them on
/admin/regions/ (or `flask hq create --region`)."""

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
        ("shenyang", "沈阳市", "Shenyang"),
        ("liaoning", "辽宁省其他地区", "Elsewhere in Liaoning"),
        ("outside", "省外", "Outside Liaoning"),
    ),
}
