"""The columns of the partners list: what its page shows and its file holds."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from tracker.display.paths import id_path
from tracker.export.columns import Column, Kind
from tracker.organisations.columns import bilingual

PARTNER_COLUMNS = [
    *bilingual(_l("Name"), "name", 32,
               link=lambda p: id_path("partners.show", "partner_id", p.id)),
    Column(_l("Kind"), lambda p: p.kind, Kind.LABEL, 18),
    Column(_l("Government level"), lambda p: p.level, Kind.LABEL, 10),
    *bilingual(_l("City"), "city", 12),
    Column(_l("Unified social credit code"), lambda p: p.uscc, Kind.CODE, 22),
]
