"""The columns of the achievement and IP register's imports: achievements with their
contributors, rights and annuities, then the transfers and licences of achievements with their
royalty reports and income (a module of its own so that `columns.py` stays readable)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from tracker.imports.column_types import Column, Kind, Ref

ACHIEVEMENTS = Kind("achievements", _l("Achievements and IP rights"), (
    Column("project_id", _l("Project code"), True, ref=Ref.PROJECT,
           note=_l("An approved project (past gate 1): a second import finds the achievement "
                   "by its project and title.")),
    Column("title", _l("Title"), True),
    Column("description", _l("Description")),
    Column("contributors", _l("Contributors"), True,
           note=_l("Each a user's e-mail (of the project's institute, its PM or its team) or "
                   "a person's name, and their share in per cent, separated by semicolons, "
                   "e.g. li@example.cn: 60; Wang Wu: 40; the shares add up to 100.")),
    Column("rights", _l("IP rights"),
           note=_l("Kind | title | number | status | filed on | granted on | patent type | "
                   "jurisdiction | attorney costs (CNY), the last five if any, separated by "
                   "semicolons, e.g. patent | Sensor housing | CN202410123456.7 | granted | "
                   "2024-03-01 | 2025-06-30 | invention; know_how | Curing recipe | | filed. "
                   "A right is found again by its kind, number and jurisdiction (know-how by "
                   "its title).")),
    Column("annuities", _l("Patent annuities"),
           note=_l("Patent number | patent year | due on | fee (CNY) | paid on | amount paid, "
                   "the last two once paid, separated by semicolons, e.g. CN202410123456.7 | "
                   "3 | 2026-03-01 | 900 | 2026-02-20 | 900.")),
), key=("project_id", "title"))
