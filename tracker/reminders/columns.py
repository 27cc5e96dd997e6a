"""The reminder outbox's columns: what its page shows and its files hold."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from tracker.display.labels import LOCALE_NAMES, label, rung
from tracker.export.columns import Column, Kind
from tracker.notifications.diagnoses import explain
from tracker.notifications.events import EVENTS
from tracker.reminders.rules import RULES


def _rule(message) -> str:
    if message.is_event:
        return EVENTS[message.rule].label if message.rule in EVENTS else message.rule
    return RULES[message.rule].label if message.rule in RULES else message.rule


def _escalation(message) -> bool:
    return (not message.is_event and message.rule in RULES
            and RULES[message.rule].is_escalation(message.audience))


def _when(message) -> str:
    """A reminder's rung; an event's moment (a burst's window or a digest's time is the next
    attempt)."""
    if message.is_event:
        return _("Event")
    rule = RULES.get(message.rule)
    return rung(message, _escalation(message), rule.since if rule else None)


OUTBOX_COLUMNS = [
    Column(_l("Reminder"), _rule, width=28),
    Column(_l("When it is sent"), _when, width=36,
           tone=lambda m: "warn" if _escalation(m) else ""),
    Column(_l("Item"), lambda m: m.title, width=32,
           link=lambda m: m.details.get("path", "/")),
    Column(_l("Project"), lambda m: m.details.get("project", ""), width=24),
    Column(_l("Recipient"), lambda m: m.recipient.name, width=16),
    Column(_l("E-mail"), lambda m: m.recipient.email, width=24),
    Column(_l("Channel"), lambda m: label(m.channel), width=12),
    Column(_l("Language"), lambda m: LOCALE_NAMES.get(m.locale, m.locale), width=8),
    Column(_l("For"), lambda m: m.fire_on, Kind.DATE, 12),
    Column(_l("Deadline"), lambda m: m.deadline, Kind.DATE, 12),
    Column(_l("Attempts"), lambda m: m.attempts, Kind.INT, 8),
    Column(_l("Next attempt"), lambda m: m.next_attempt_at, Kind.INSTANT, 18),
    Column(_l("Sent"), lambda m: m.sent_at, Kind.INSTANT, 18),
    Column(_l("Server answer"), lambda m: explain(m.last_error), width=36),
]
