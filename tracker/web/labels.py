"""Translated names of enum values, in one place for templates and forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from tracker.accounts.models import Role
from tracker.organisations.models import InstituteType, NeedState

ROLE_LABELS = {
    Role.PROJECT_MANAGER: _l("Project manager"),
    Role.EVALUATOR: _l("HQ evaluator"),
    Role.INVESTMENT_COMMITTEE: _l("Investment committee"),
    Role.HQ_ADMIN: _l("HQ admin"),
    Role.OBSERVER: _l("Observer"),
    Role.INSTITUTE_DIRECTOR: _l("Institute director"),
}

INSTITUTE_TYPE_LABELS = {
    InstituteType.INDEPENDENT: _l("Independent legal entity"),
    InstituteType.JOINT: _l("Jointly built"),
    InstituteType.AFFILIATED: _l("Affiliated"),
}

NEED_STATE_LABELS = {
    NeedState.COLLECTED: _l("Collected"),
    NeedState.ANALYSED: _l("Analysed"),
    NeedState.MATCHED: _l("Matched"),
    NeedState.CONTRACTED: _l("Contracted"),
    NeedState.CLOSED: _l("Closed"),
}

LOCALE_NAMES = {"zh_CN": "简体中文", "en": "English"}


def LOCALE_CHOICES() -> list[tuple[str, str]]:  # noqa: N802 (reads like the constant it nearly is)
    return list(LOCALE_NAMES.items())


def role_label(role: Role) -> str:
    return ROLE_LABELS[role]


# Each enum's labels, by the enum class: other domains add theirs with `register`.
LABELS: dict[type, dict] = {
    Role: ROLE_LABELS,
    InstituteType: INSTITUTE_TYPE_LABELS,
    NeedState: NEED_STATE_LABELS,
}


def register(enum_cls: type, labels: dict) -> None:
    missing = [m for m in enum_cls if m not in labels]
    if missing:
        raise ValueError(f"labels missing for {missing}")
    LABELS[enum_cls] = labels


def label(value) -> str:
    """The translated label of an enum value (a Jinja filter)."""
    table = LABELS.get(type(value))
    if table is None or value not in table:
        return str(value)
    return str(table[value])
