"""HQ's list of technical fields for the demo (`flask demo seed`): the fields of the demo
institutes and a few more, in both languages."""

from __future__ import annotations

from sqlalchemy import select

from tracker import db
from tracker.accounts.models import User
from tracker.techfields import services
from tracker.techfields.models import TechnicalField

FIELDS = [
    ("AM", "先进材料", "Advanced materials"),
    ("IC", "集成电路", "Integrated circuits"),
    ("BIO", "生物医药", "Biomedicine"),
    ("RB", "机器人", "Robotics"),
    ("IM", "智能制造", "Intelligent manufacturing"),
    ("EN", "新能源", "New energy"),
]


def seed_fields(admin: User) -> int:
    """Add the fields not in the list yet, through HQ's service (audited); how many."""
    created = 0
    for code, name, name_en in FIELDS:
        if db.session.scalar(select(TechnicalField.id).where(TechnicalField.code == code)):
            continue
        services.save_field(admin, None, code=code, name=name, name_en=name_en, active=True)
        created += 1
    return created
