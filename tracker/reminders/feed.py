"""A user's deadlines as an iCalendar feed (RFC 5545), from the same queries as the reminders:
what is done is not in the calendar any more, and a rule added to the catalogue shows up here."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from icalendar import Calendar, Event

from tracker.accounts.models import Role, User
from tracker.dates import today
from tracker.db import utcnow
from tracker.display.formatting import aside, day
from tracker.reminders.items import Query, item_path
from tracker.reminders.mail import external_url, mail_domain
from tracker.reminders.models import Audience
from tracker.reminders.rules import RULES
from tracker.reminders.scan import ladder_of


def _items_for(user: User):
    """(rule, ladder, item) for every open item whose first reminders would go to `user`."""
    for rule in RULES.values():
        if rule.first is Audience.OWNER:
            query = Query(owner_id=user.id, on=today())
        elif (rule.first is Audience.HQ and user.has_role(Role.HQ_ADMIN)) or (
                rule.first is Audience.COMMITTEE and user.has_role(Role.INVESTMENT_COMMITTEE)):
            query = Query(on=today())
        else:
            continue
        ladder = ladder_of(rule)
        for item in rule.items(query):
            yield rule, ladder, item


def calendar_for(user: User) -> bytes:
    """The feed's body: one all-day event per deadline, in the user's language."""
    locale = user.locale or current_app.config["DEFAULT_LOCALE"]
    domain = mail_domain()
    stamp = utcnow().replace(microsecond=0)
    adapter = current_app.url_map.bind("localhost")
    with force_locale(locale):
        calendar = Calendar.new(
            prodid="-//Project tracker//Deadlines//EN",
            name=_("Deadlines of %(name)s", name=user.name),
            refresh_interval=timedelta(hours=1),
        )
        for rule, ladder, item in _items_for(user):
            due = item.due(ladder)
            title = item.shown_title()
            summary = _("%(what)s: %(title)s", what=rule.what, title=title)
            reference = item.reference()  # a draft's provisional one, at the institute
            if reference and reference not in title:
                summary += aside(reference)
            # What is due and when, in the reader's words (as the reminder's subject says it),
            # then the page: at BASE_URL, never the address this request came in by.
            due_line = _("Due on %(date)s: %(what)s “%(title)s”", what=rule.what, title=title,
                         date=day(due))
            if reference and reference not in title:
                due_line += aside(reference)
            url = external_url(item_path(item, adapter))
            calendar.add_component(Event.new(
                uid=f"{rule.name}-{item.id}@{domain}",
                stamp=stamp,
                start=due,
                end=due + timedelta(days=1),
                summary=summary,
                description=f"{due_line}\n{url}",
                url=url,
                transparency="TRANSPARENT",
            ))
    return calendar.to_ical()
