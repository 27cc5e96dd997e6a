"""The columns of the expert pool's list: what its page shows and its files hold."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from tracker.display.paths import id_path
from tracker.display.said import listed
from tracker.export.columns import Column, Kind

EXPERT_COLUMNS = [
    Column(_l("Name"), lambda e: e.name, width=14,
           link=lambda e: id_path("experts.show", "expert_id", e.id)),
    Column(_l("Professional title"), lambda e: e.professional_title, Kind.LABEL, 14),
    Column(_l("Unit"), lambda e: e.unit, width=28),
    Column(_l("Fields of expertise"), lambda e: listed(e.fields), width=32),
    Column(_l("E-mail"), lambda e: e.email, width=24),
    Column(_l("Phone"), lambda e: e.phone, width=16),
    Column(_l("Account"), lambda e: e.user.email if e.user else None, width=24),
    Column(_l("In the pool"), lambda e: e.active, Kind.BOOL, 8),
]
