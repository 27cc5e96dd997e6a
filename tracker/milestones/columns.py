"""The overdue list's columns: what its page shows and its files hold."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from tracker.display.paths import id_path
from tracker.export.columns import Column, Kind

OVERDUE_COLUMNS = [
    Column(_l("Due"), lambda r: r.due_date, Kind.DATE, 12),
    Column(_l("Days late"), lambda r: r.days_late if r.days_late > 0 else None, Kind.INT, 10,
           tone=lambda r: "bad" if r.days_late > 0 else None),
    Column(_l("Milestone"), lambda r: r.title, width=32,
           link=lambda r: id_path("milestones.show", "milestone_id", r.milestone_id)),
    Column(_l("Project"), lambda r: r.project_code, Kind.CODE, 18,
           link=lambda r: id_path("projects.show", "project_id", r.project_id)),
    Column(_l("Title"), lambda r: r.project_title, width=32),
    # HQ's list, in the reader's language, as the page's filter: not the PM's own words.
    Column(_l("Technical field"), lambda r: r.technical_field, width=16),
    Column(_l("Institute"), lambda r: r.institute_name, width=28),
    Column(_l("Project manager"), lambda r: r.pm_name, width=16),
    Column(_l("State"), lambda r: r.state, Kind.LABEL, 14),
]
# The headers that sort the page: column index -> `sort` argument.
OVERDUE_SORTS = {0: "late", 3: "project", 6: "institute", 7: "pm"}
