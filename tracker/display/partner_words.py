"""The words of the audit trail for partners (tracker/partners): universities, research
institutes, government bodies, investors and banks, their agreements, and what they pay as
co-funders of an allocation-investment agreement. `tracker.display.words` merges them in."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

ACTIONS = {
    "partner.create": _l("Partner recorded"),
    "partner.update": _l("Partner changed"),
}

OBJECTS = {
    "partners": _l("Partner"),
}

FIELDS = {
    "partner_id": _l("Partner"),
}
