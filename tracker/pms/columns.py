"""The columns of the project-manager register (`/pms/`): its records with each appointed PM's
figures, its teams, and HQ's new PMs per year; what the page's three tables show and their
files hold (`?export=csv|xlsx`, `&table=teams` or `&table=new` for the second and third)."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from tracker.display.paths import id_path
from tracker.display.said import listed
from tracker.export.columns import Column, Kind
from tracker.pms.figures import PmFigures
from tracker.pms.models import PmRecord


@dataclass(frozen=True)
class RegisterLine:
    """A record and, once it names a user, their figures (`pms.figures`)."""

    record: PmRecord
    figures: PmFigures | None


def _figure(name: str):
    return lambda line: getattr(line.figures, name) if line.figures else None


RECORD_COLUMNS = [
    Column(_l("Name"), lambda line: line.record.name, width=16,
           link=lambda line: id_path("pms.show", "record_id", line.record.id)),
    Column(_l("State"), lambda line: line.record.state, Kind.LABEL, 14),
    Column(_l("Institute"),
           lambda line: line.record.institute.shown("name") if line.record.institute else None,
           width=24),
    Column(_l("Recruited from"), lambda line: line.record.origin, Kind.LABEL, 14),
    Column(_l("Term ends on"), lambda line: (line.record.current_term.ends_on
                                             if line.record.current_term else None),
           Kind.DATE, 12),
    Column(_l("Projects"), _figure("projects"), Kind.INT, 10),
    Column(_l("Milestones on time"), _figure("milestones_on_time"), Kind.INT, 12),
    Column(_l("Milestones accepted late"), _figure("milestones_late"), Kind.INT, 12),
    Column(_l("Contract value"), _figure("contract_value"), Kind.MONEY, 16),
    Column(_l("Companies"), _figure("companies"), Kind.INT, 10),
]

TEAM_COLUMNS = [
    Column(_l("Name"), lambda t: t.name, width=24),
    Column(_l("Lead PM"), lambda t: t.lead.name, width=16,
           link=lambda t: id_path("pms.show", "record_id", t.lead_id)),
    Column(_l("Members"), lambda t: listed(m.name for m in t.members), width=40),
]

NEW_PM_COLUMNS = [
    Column(_l("Year"), lambda row: row[0], Kind.YEAR, 8),
    Column(_l("New project managers"), lambda row: row[1], Kind.INT, 12),
]
