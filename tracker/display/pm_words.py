"""The words of the audit trail for the project-manager register (tracker/pms).
`tracker.display.words` merges them into its tables."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

ACTIONS = {
    "pm.create": _l("PM candidate recorded"),
    "pm.update": _l("PM record corrected"),
    "pm.interview": _l("PM interview recorded"),
    "pm.interview_correct": _l("PM interview corrected"),
    "pm.interview_withdraw": _l("PM interview withdrawn as recorded by mistake"),
    "pm.decline": _l("PM candidate not appointed"),
    "pm.appoint": _l("PM appointed"),
    "pm.renew": _l("PM appointment renewed"),
    "pm.end": _l("PM appointment ended"),
    "pm_team.create": _l("PM team formed"),
    "pm_team.update": _l("PM team changed"),
}

OBJECTS = {
    "pm_records": _l("PM record"),
    "pm_interviews": _l("PM interview"),
    "pm_terms": _l("PM term of appointment"),
    "pm_teams": _l("PM team"),
}

FIELDS = {
    "origin": _l("Recruited from"),
    "record_id": _l("PM record"),
    "notes": _l("Notes"),
    "interview_outcome": _l("Interview outcome"),
    "panel": _l("Panel"),
    "held_on": _l("Held on"),
    "appointed_at": _l("Appointed on"),
    "ended_on": _l("Ended on"),
    "lead_id": _l("Lead PM"),
    "member_ids": _l("Members"),
    "field_ids": _l("Technical fields"),
}
