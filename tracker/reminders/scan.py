"""The scan: write to the outbox every reminder due on a date that is not there yet.

It is one half of the scheduler's job (tracker/reminders/scheduler.py; `flask reminders scan`
by hand); tracker/reminders/delivery.py sends what it wrote, each row by its channel: e-mail,
or the robot or WeCom application the recipient chose for their notifications. Like every
service it flushes and never commits: the command or the job commits.
"""

from __future__ import annotations

import json
from contextlib import closing
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import select, text
from sqlalchemy.dialects import sqlite

from tracker import db
from tracker.accounts.models import Role, RoleGrant, User
from tracker.db import utcnow
from tracker.notifications.models import NotificationSettings
from tracker.notifications.senders import SENDERS
from tracker.reminders import mail
from tracker.reminders.items import Item, Query, item_path
from tracker.reminders.ladder import Ladder, Rung
from tracker.reminders.models import (
    Audience,
    Channel,
    MessageState,
    OutboxMessage,
    ReminderOptOut,
)
from tracker.reminders.rules import RULES, Rule
from tracker.settings import services as settings
from tracker.workdays.services import add_business_days

INSERT_CHUNK = 1000
# The advisory lock scans take turns on (PostgreSQL): any number, the same in every process.
SCAN_LOCK = 2_026_021
# The columns a scan writes; the others keep their defaults.
COLUMNS = ("rule", "item_id", "occurrence", "recipient_id", "audience", "deadline", "fire_on",
           "project_id", "details", "locale", "state", "attempts", "last_error", "created_at",
           "message_id", "channel")
KEY = ("rule", "item_id", "occurrence", "recipient_id")


def ladder_of(rule: Rule) -> Ladder:
    """The rule's ladder with the values in force now."""
    values = {step.name: int(settings.get(rule.setting_key(step))) for step in rule.steps}
    return rule.ladder(values, add_business_days)


def opted_out(rule: Rule) -> set[int]:
    """The users who turned off the first rungs of this rule (none for a mandatory rule)."""
    if not rule.optional:
        return set()
    return set(db.session.scalars(
        select(ReminderOptOut.user_id).where(ReminderOptOut.rule == rule.name)))


@dataclass
class ScanResult:
    as_of: date
    found: int = 0  # occurrences due on that date (already in the outbox or not)
    new: int = 0  # of which written now

    def as_dict(self) -> dict[str, Any]:
        return {"as_of": self.as_of.isoformat(), "found": self.found, "new": self.new}


def _active_users() -> dict[int, str | None]:
    return dict(db.session.execute(
        select(User.id, User.locale).where(User.active.is_(True))).tuples().all())


def _holders(role: Role) -> list[int]:
    return list(db.session.scalars(
        select(RoleGrant.user_id).join(User, User.id == RoleGrant.user_id)
        .where(RoleGrant.role == role, User.active.is_(True)).order_by(RoleGrant.user_id)))


def _recipients(item: Item, audience: Audience, staff: dict[Audience, list[int]]) -> list[int]:
    if audience in staff:
        return staff[audience]
    # Called for every item and rung of a scan: no dictionary built per call.
    if audience is Audience.OWNER and item.stand_in_ids:
        return [*([item.owner_id] if item.owner_id is not None else []), *item.stand_in_ids]
    person = (item.owner_id if audience is Audience.OWNER
              else item.director_id if audience is Audience.DIRECTOR
              else item.chair_id if audience is Audience.CHAIR else None)
    return [person] if person is not None else []


def _channels() -> dict[int, str]:
    """The users whose chosen channel (their notification settings, the events' choice) goes
    out through a sender, a robot or a WeCom application: their reminders go that way too.
    Everyone else's go by e-mail, those who chose the tracker only included (the
    notifications page lists events, not deadlines)."""
    return {user_id: channel.value for user_id, channel in db.session.execute(
        select(NotificationSettings.user_id, NotificationSettings.channel).where(
            NotificationSettings.channel.in_(list(SENDERS)))).tuples()}


def _details(item: Item, ladder: Ladder, adapter: Any) -> dict[str, str]:
    details = {"title": item.title, "project": item.project,
               "due_on": item.due(ladder).isoformat(),
               "path": item_path(item, adapter), **item.extra}
    if item.title_en:
        details["title_en"] = item.title_en
    return details


def scan(as_of: date, actor: User | None = None) -> ScanResult:
    """Write to the outbox every reminder due on `as_of` that is not there yet.

    For each rule and each open item, the latest rung of each audience that has fired by
    `as_of`; first rungs skip the users who turned the rule off. Scans take turns (one
    transaction at a time: `_take_turn`), so the keys a scan reads from the outbox are all
    there are until it commits, and it inserts only the others.
    """
    _take_turn()
    users = _active_users()
    staff = {Audience.HQ: _holders(Role.HQ_ADMIN),
             Audience.COMMITTEE: _holders(Role.INVESTMENT_COMMITTEE)}
    default_locale = current_app.config["DEFAULT_LOCALE"]
    domain = mail.mail_domain()
    adapter = current_app.url_map.bind("localhost")
    now = utcnow()
    channels = _channels()
    rows: list[tuple] = []  # in the order of COLUMNS
    seen: set[tuple[str, int, str, int]] = set()  # every occurrence due, new or not
    for rule in RULES.values():
        ladder = ladder_of(rule)
        items = rule.items(Query(until=as_of + timedelta(days=ladder.lookahead), on=as_of))
        declined = opted_out(rule) if items else set()
        written = _written(rule, [item.id for item in items])
        # Thousands of items share a few hundred deadlines: each deadline's rungs once.
        fired: dict[date, list[tuple[Rung, str]]] = {}
        for item in items:
            details = None  # the item's, as JSON: written once for all its recipients
            rungs = fired.get(item.deadline)
            if rungs is None:
                rungs = fired[item.deadline] = [(rung, rung.occurrence(item.deadline))
                                                for rung in ladder.current(item.deadline, as_of)]
            for rung, occurrence in rungs:
                for user_id in _recipients(item, rung.audience, staff):
                    key = (rule.name, item.id, occurrence, user_id)
                    if user_id not in users or key in seen or (
                            rung.audience is rule.first and user_id in declined):
                        continue
                    seen.add(key)
                    if (item.id, occurrence, user_id) in written:
                        continue  # already in the outbox: no row to build
                    details = details or json.dumps(_details(item, ladder, adapter))
                    rows.append((
                        rule.name, item.id, occurrence, user_id, rung.audience.value,
                        item.deadline, rung.fire_on, item.project_id, details,
                        users[user_id] or default_locale, MessageState.PENDING.value, 0, "",
                        now, mail.message_id(rule.name, item.id, occurrence, user_id, domain),
                        channels.get(user_id, Channel.EMAIL.value)))
    return ScanResult(as_of=as_of, found=len(seen), new=_insert_new(rows))


def _take_turn() -> None:
    """Wait for any other scan to commit (PostgreSQL: a lock held until the end of this
    transaction). SQLite needs none: every transaction there takes the write lock when it
    begins (tracker/db.py), so scans already take turns."""
    connection = db.session.connection()
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": SCAN_LOCK})


def _written(rule: Rule, item_ids: list[int]) -> set[tuple[int, str, int]]:
    """(item, occurrence, recipient) of this rule's items already in the outbox, read by its
    unique key: a scan that finds nothing new reads these instead of building rows (details,
    links, Message-IDs) that the insert would skip.

    Read with the driver's cursor, as plain tuples: tens of thousands of keys as SQLAlchemy
    rows would cost more than the query. PostgreSQL takes the ids as one array, SQLite in
    chunks."""
    ids = sorted(set(item_ids))
    if not ids:
        return set()
    connection = db.session.connection()
    found: set[tuple[int, str, int]] = set()
    with closing(connection.connection.driver_connection.cursor()) as cursor:
        if connection.dialect.name == "postgresql":
            # Typed integer[] (the driver would send small ids as smallint[]): PostgreSQL
            # hashes the array only when the types match, else compares each row with every
            # id, seconds at 20,000 ids.
            cursor.execute("SELECT item_id, occurrence, recipient_id FROM reminder_outbox "
                           "WHERE rule = %s AND item_id = ANY(%s::integer[])", (rule.name, ids))
            return set(cursor.fetchall())
        for start in range(0, len(ids), INSERT_CHUNK):
            chunk = ids[start:start + INSERT_CHUNK]
            cursor.execute("SELECT item_id, occurrence, recipient_id FROM reminder_outbox "
                           f"WHERE rule = ? AND item_id IN ({', '.join('?' * len(chunk))})",
                           (rule.name, *chunk))
            found.update(cursor.fetchall())
    return found


def _insert_new(rows: list[tuple]) -> int:
    """Insert the rows (none of them in the outbox: `scan` read its keys after taking its
    turn); return how many."""
    if not rows:
        return 0
    connection = db.session.connection()
    if connection.dialect.name == "postgresql":
        return _copy(connection, rows)
    # One statement executed for many rows, compiled once. ON CONFLICT DO NOTHING still, as
    # the unique key is what guarantees one row per occurrence whatever happens.
    stmt = (sqlite.insert(OutboxMessage.__table__)
            .on_conflict_do_nothing(index_elements=list(KEY))
            .execution_options(preserve_rowcount=True))  # SQLAlchemy keeps it for INSERTs
    details: dict[str, dict] = {}  # the JSON column takes a dict: each item's decoded once
    new = 0
    for start in range(0, len(rows), INSERT_CHUNK):
        chunk = [dict(zip(COLUMNS, row, strict=True)) for row in rows[start:start + INSERT_CHUNK]]
        for row in chunk:
            if row["details"] not in details:
                details[row["details"]] = json.loads(row["details"])
            row["details"] = details[row["details"]]
        new += connection.execute(stmt, chunk).rowcount
    return new


def _copy(connection, rows: list[tuple]) -> int:
    """PostgreSQL: COPY the rows straight into the outbox, the cheapest way in for tens of
    thousands of rows (an INSERT of as many parameter sets costs seconds; COPY into a
    temporary table then INSERT ... ON CONFLICT, twice the work of this). A key already there
    would fail the COPY and the scan, never write a second row."""
    with closing(connection.connection.driver_connection.cursor()) as cursor, cursor.copy(
            f"COPY reminder_outbox ({', '.join(COLUMNS)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
    return len(rows)
