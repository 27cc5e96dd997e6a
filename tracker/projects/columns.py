"""The project list's columns: what its page shows and its files hold. A row has the columns
of the list's query (`views.list_projects`): id, code, draft_number, title, phase, type,
budget_total, institute and pm (their names)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from tracker.display.paths import id_path
from tracker.export.columns import Column, Kind
from tracker.projects.models import Project

PROJECT_COLUMNS = [
    Column(_l("Code"), lambda p: Project.reference_of(p.code, p.draft_number), Kind.CODE, 18),
    Column(_l("Title"), lambda p: p.title, width=40,
           link=lambda p: id_path("projects.show", "project_id", p.id)),
    Column(_l("Phase"), lambda p: p.phase, Kind.LABEL, 14),
    Column(_l("Institute"), lambda p: p.institute, width=28),
    Column(_l("Project manager"), lambda p: p.pm, width=16),
    Column(_l("Type"), lambda p: p.type, Kind.LABEL, 16),
    Column(_l("Funding source"), lambda p: p.funding_source, Kind.LABEL, 18),
    Column(_l("Budget"), lambda p: p.budget_total, Kind.MONEY, 16),
]
