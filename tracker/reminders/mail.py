"""Composing a reminder e-mail in the recipient's language, and the outcomes of handing one over
(tracker/reminders/transport.py talks SMTP).

Nothing here touches the database: `tracker.reminders.delivery.send` picks the messages,
hands them here and records what the server answered.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from email.utils import format_datetime, formataddr
from functools import cache
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from babel import Locale
from flask import current_app
from flask_babel import force_locale, format_date, get_translations
from flask_babel import gettext as _
from jinja2 import pass_context
from markupsafe import Markup

from tracker.dates import local_date
from tracker.display.bilingual import in_reader_languages
from tracker.display.formatting import instant, money
from tracker.display.labels import label
from tracker.notifications.events import EVENTS, sentence_for
from tracker.reminders import wire
from tracker.reminders.models import Audience
from tracker.reminders.rules import RULES

if TYPE_CHECKING:
    from tracker.accounts.models import User
    from tracker.reminders.models import OutboxMessage

# (rule, item id) -> who was reminded before: [(recipient id, name, audience, sent_at)]
History = dict[tuple[str, int], list[tuple[int, str, Audience, datetime]]]


def mail_domain() -> str:
    sender = current_app.config["MAIL_FROM"]
    if "@" in sender:
        return sender.rsplit("@", 1)[1].strip(" >") or "localhost"
    return urlsplit(current_app.config["BASE_URL"]).hostname or "localhost"


def message_id(rule: str, item_id: int, occurrence: str, recipient_id: int, domain: str) -> str:
    """Stable: the same occurrence for the same recipient always has the same Message-ID."""
    return f"<reminder.{rule}.{item_id}.{occurrence}.{recipient_id}@{domain}>"


def digest_message_id(message_ids: list[str], domain: str) -> str:
    if len(message_ids) == 1:
        return message_ids[0]
    digest = hashlib.sha256("\n".join(sorted(message_ids)).encode()).hexdigest()[:32]
    return f"<reminder.digest.{digest}@{domain}>"


def external_url(path: str) -> str:
    return current_app.config["BASE_URL"].rstrip("/") + path


def audience_label(audience: Audience, rule_name: str) -> str:
    if audience is Audience.OWNER:
        return str(RULES[rule_name].owner_label)
    return {Audience.DIRECTOR: _("institute director"), Audience.CHAIR: _("panel chair"),
            Audience.HQ: _("HQ admin"), Audience.COMMITTEE: _("investment committee")}[audience]


class Voice:
    """A language, looked up once a batch (`Items.voice`; a chat message's, once a message).

    Flask-Babel finds the catalogue and the locale again on every call; a digest of a hundred
    items makes thousands of such calls (each item's sentences, labels and dates), which cost
    more than everything else in composing it. Made inside `force_locale`, this keeps the
    catalogue, the templates' callables, and each date and label it formatted, for every
    e-mail of the batch in that language (each made inside `force_locale` of it too)."""

    def __init__(self) -> None:
        self.translations = get_translations()
        self._cache: dict[tuple, str] = {}
        self.callables = self.template_callables()

    def gettext(self, string: str, **variables: Any) -> str:
        text = self.translations.ugettext(string)
        return text % variables if variables else text

    def ngettext(self, singular: str, plural: str, num: int, **variables: Any) -> str:
        variables.setdefault("num", num)
        return self.translations.ungettext(singular, plural, num) % variables

    def _once(self, key: tuple, make) -> str:
        if key not in self._cache:
            self._cache[key] = make()
        return self._cache[key]

    def date(self, day: date) -> str:
        return self._once(("date", day), lambda: format_date(day, "medium"))

    def instant(self, at: datetime) -> str:
        return self._once(("instant", at), lambda: instant(at))

    def audience(self, audience: Audience, rule_name: str) -> str:
        return self._once(("audience", audience, rule_name),
                          lambda: audience_label(audience, rule_name))

    def what(self, rule_name: str) -> str:
        return self._once(("what", rule_name), lambda: str(RULES[rule_name].what))

    def template_callables(self) -> dict[str, Any]:
        """`gettext`, `_` and `ngettext` for the templates, as Jinja's
        i18n extension makes them (new style: escaped, always %-formatted), on this catalogue."""

        @pass_context
        def gettext(context, string: str, **variables: Any) -> str:
            text = self.translations.ugettext(string)
            return (Markup(text) if context.eval_ctx.autoescape else text) % variables

        @pass_context
        def ngettext(context, singular: str, plural: str, num: int, **variables: Any) -> str:
            variables.setdefault("num", num)
            text = self.translations.ungettext(singular, plural, num)
            return (Markup(text) if context.eval_ctx.autoescape else text) % variables

        # `_` too: the i18n extension's `_` would look `gettext` up and call it through the
        # context again, for each of a digest's thousands of sentences.
        return {"gettext": gettext, "ngettext": ngettext, "_": gettext}


MONEY = ("amount", "outstanding", "fee")  # details kept as decimal strings, shown as CNY
DATES = ("submitted_on",)  # details kept as ISO dates, shown as the reader reads a date
ENTRY_KEYS = ("title", "title_en", "project", "due_on", "path")


@dataclass
class Entry:
    """One item of a message, ready for the templates."""

    rule: str
    what: str
    title: str
    project: str
    due_on: str
    status: str  # "before", "today" or "after" the day the work is due
    url: str
    escalation: bool
    audience: str
    reminded: list[dict[str, str]]
    extra: dict[str, str]
    subject: str
    template: str = ""  # email/<template>.txt and .html: the rule's, or "event"
    sentence: str = ""  # an event's, in the recipient's language

    def key(self) -> tuple:
        """All its templates read of it: two entries with the same key read the same (in one
        language)."""
        return (self.rule, self.what, self.title, self.project, self.due_on, self.status,
                self.url, self.escalation, self.audience, self.subject, self.template,
                self.sentence, tuple(tuple(r.items()) for r in self.reminded),
                tuple(self.extra.items()))


class Items:
    """Each item's text and HTML, rendered once a batch for every recipient it reads the same
    to: an item's entry (its sentence, dates, link, role and who was reminded before) is the
    same for each recipient of one language and part, so fifty HQ admins escalated one
    milestone, or a committee reminded of one deadline, cost one rendering of it, not fifty.
    The frame (email/item.txt and .html) and each rule's template are made into a module once a
    batch for each language, so an item costs two macro calls (its rule's `sentence`, then the
    frame's `item`), not a template's include, a new context and a `caller`.
    `tracker.reminders.delivery.send` keeps one for its batch."""

    def __init__(self) -> None:
        self._written: dict[tuple, str] = {}
        self._modules: dict[tuple[str, str], Any] = {}
        self._voices: dict[str, Voice] = {}

    def voice(self, locale: str) -> Voice:
        """The language `locale` of the batch's e-mails; called inside `force_locale` of it."""
        if locale not in self._voices:
            self._voices[locale] = Voice()
        return self._voices[locale]

    def module(self, name: str, locale: str) -> Any:
        """email/`name` made into a module in `locale`: its top level run once, its macros
        calling that language's `_` (the voice's)."""
        if (locale, name) not in self._modules:
            self._modules[locale, name] = current_app.jinja_env.get_template(
                f"email/{name}").make_module(vars={
                    **self.voice(locale).callables,
                    "preferences_url": external_url(_preferences_path(current_app.url_map))})
        return self._modules[locale, name]

    def written(self, entry: Entry, locale: str, kind: str) -> str:
        """`entry` written by email/item.<kind> ("txt" or "html") in `locale`."""
        key = (locale, kind, entry.key())
        if key not in self._written:
            self._written[key] = render_item(entry, kind, self.module(f"item.{kind}", locale),
                                             self.module(f"{entry.template}.{kind}", locale))
        return self._written[key]


def render_item(entry: Entry, kind: str, frame: Any, rule: Any) -> str:
    """One item: its rule's sentence (email/<rule>.txt or .html) in the frame of email/item.txt
    or .html (HTML: markup, safe in the layout)."""
    text = str(frame.item(entry, rule.sentence(entry)))
    return Markup(text) if kind == "html" else text


def _event_entry(message: OutboxMessage, voice: Voice) -> Entry:
    """An event: its sentence says it all; the subject is the sentence."""
    details = message.details
    sentence = sentence_for(message.rule, details, voice.date, label, money)
    return Entry(rule=message.rule, what=str(EVENTS[message.rule].label),
                 title=details.get("title", ""), project=details.get("project", ""),
                 due_on=voice.date(message.fire_on), status="event",
                 url=external_url(details["path"]), escalation=False, audience="",
                 reminded=[], extra={}, subject=sentence, template="event", sentence=sentence)


def _entry(message: OutboxMessage, today: date, history: History, voice: Voice) -> Entry:
    if message.is_event:
        return _event_entry(message, voice)
    rule = RULES[message.rule]
    details = message.details
    due = date.fromisoformat(details["due_on"])
    status = "before" if due > today else "today" if due == today else "after"
    what, title = voice.what(message.rule), message.title  # in the recipient's language
    when = voice.date(due)
    if status == "before":
        subject = voice.gettext("Due on %(date)s: %(what)s “%(title)s”", what=what, title=title,
                                date=when)
    elif status == "today":
        subject = voice.gettext("Due today, %(date)s: %(what)s “%(title)s”", what=what,
                                title=title, date=when)
    else:
        subject = voice.gettext("Overdue since %(date)s: %(what)s “%(title)s”", what=what,
                                title=title, date=when)
    escalation = message.audience is not rule.first
    if escalation:
        subject = voice.gettext("Escalation: %(subject)s", subject=subject)
    reminded = [
        {"name": name, "role": voice.audience(audience, message.rule),
         "at": voice.instant(sent_at)}
        for user_id, name, audience, sent_at in history.get((message.rule, message.item_id), [])
        if user_id != message.recipient_id
    ] if escalation else []
    extra = in_reader_languages({
        key: money(Decimal(value)) if key in MONEY
        else voice.date(date.fromisoformat(value)) if key in DATES else value
        for key, value in details.items() if key not in ENTRY_KEYS})
    return Entry(rule=message.rule, what=what, title=title, project=details.get("project", ""),
                 due_on=when, status=status, url=external_url(details["path"]),
                 escalation=escalation, audience=voice.audience(message.audience, message.rule),
                 reminded=reminded, extra=extra, subject=subject, template=message.rule)


@cache
def _locale(name: str) -> Locale:
    """Parsed once: Babel's parsing normalises the name against every locale it knows."""
    return Locale.parse(name)


@cache
def _preferences_path(url_map: Any) -> str:
    return url_map.bind("localhost").build("reminders.preferences")


def _subject(entries: list[Entry], voice: Voice) -> str:
    subject = entries[0].subject
    if len(entries) > 1:
        subject = voice.ngettext("%(first)s, and %(num)d more",
                                 "%(first)s, and %(num)d more", len(entries) - 1,
                                 first=subject)
    return subject


def markdown(title: str, entries: list[Entry], open_label: str) -> str:
    """The items as markdown both platforms render: a bold title, then each item's sentence
    with a link to it."""
    lines = [f"**{title}**", ""]
    for entry in entries:
        lines.append(f"> {entry.sentence or entry.subject}")
        lines.append(f"[{open_label}]({entry.url})")
        lines.append("")
    return "\n".join(lines).strip()


def chat_message(messages: list[OutboxMessage], locale: str, now: datetime,
                 history: History) -> tuple[str, str]:
    """The title and markdown of a robot's message about `messages`, in `locale`
    (tracker/notifications/webhooks.py posts it)."""
    today = local_date(now)
    with force_locale(_locale(locale)):
        voice = Voice()
        entries = [_entry(m, today, history, voice) for m in messages]
        title = _subject(entries, voice)
        return title, markdown(title, entries, voice.gettext("Open it"))


def compose(recipient: User, messages: list[OutboxMessage], locale: str, now: datetime,
            history: History, items: Items | None = None) -> bytes:
    """One e-mail to `recipient` about `messages`, as SMTP carries it (`wire`): plain text and
    HTML, in `locale`. A digest of many items costs little more than one: the language is
    looked up once a batch (`Voice`), the templates are made into modules once a batch and
    language, each e-mail a call of its layout's macro, and each item is written once for the
    batch's every recipient it reads the same to (`items`, the batch's: without one, once
    for this e-mail)."""
    today = local_date(now)
    items = items or Items()
    lang = "zh-CN" if locale.startswith("zh") else "en"
    with force_locale(_locale(locale)):
        voice = items.voice(locale)
        entries = [_entry(m, today, history, voice) for m in messages]
        entries.sort(key=lambda e: (not e.escalation, e.status != "after"))
        subject = _subject(entries, voice)
        events = all(e.status == "event" for e in entries)
        text, html = (str(items.module(f"layout.{kind}", locale).layout(
            recipient, entries, [items.written(e, locale, kind) for e in entries], events, lang))
            for kind in ("txt", "html"))
    return wire.message([
        ("Subject", wire.encoded_words(subject)),
        ("From", current_app.config["MAIL_FROM"]),
        ("To", formataddr((wire.encoded_words(recipient.name), recipient.email))),
        ("Date", format_datetime(now)),
        ("Message-ID", digest_message_id([m.message_id for m in messages], mail_domain())),
        ("Auto-Submitted", "auto-generated"),
        ("Content-Language", lang),
    ], text, html)


# --- What the server answered ------------------------------------------------------------------

SENT, RETRY, FAILED = "sent", "retry", "failed"


@dataclass
class Outcome:
    result: str  # SENT, RETRY (temporary) or FAILED (permanent)
    answer: str = ""  # what the server said
    connection_lost: bool = False
