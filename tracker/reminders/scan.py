"""The scan: write to the outbox every reminder due on a date that is not there yet.

It is one half of the scheduler's job (tracker/reminders/scheduler.py; `flask reminders scan`
by hand); tracker/reminders/delivery.py sends what it wrote, each row by its channel: e-mail,
or the robot or WeCom application the recipient chose for their notifications. Like every
service it flushes and never commits: the command or the job commits.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import select
from sqlalchemy.dialects import sqlite

from tracker import collector, db
from tracker.accounts.models import Role, RoleGrant, User
from tracker.dates import local_date, org_zone
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
from tracker.turns import take_turn
from tracker.workdays.services import add_business_days

INSERT_CHUNK = 1000
# The advisory lock scans take turns on (PostgreSQL): any number, the same in every process.
SCAN_LOCK = 2_026_021
# The columns a scan writes, with the type each is sent as by COPY's binary format (each value
# in its type's own form: no text to format here and parse there; text for the JSON details,
# which the scan serialised already, and for VARCHAR); the others keep their defaults.
COLUMNS = {"rule": "text", "item_id": "int4", "occurrence": "text", "recipient_id": "int4",
           "audience": "text", "deadline": "date", "fire_on": "date", "project_id": "int4",
           "details": "text", "locale": "text", "state": "text", "attempts": "int4",
           "last_error": "text", "created_at": "timestamptz", "message_id": "text",
           "channel": "text"}
KEY = ("rule", "item_id", "occurrence", "recipient_id")
# Read once, not for every row (an enum member's .value is a descriptor call).
PENDING, EMAIL = MessageState.PENDING.value, Channel.EMAIL.value
AUDIENCES = {audience: audience.value for audience in Audience}
OWNER, DIRECTOR, CHAIR = Audience.OWNER, Audience.DIRECTOR, Audience.CHAIR


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
    `as_of`, of an item that came into the tracker after some of them only those that are
    news (`Ladder.news`); first rungs skip the users who turned the rule off. Scans take turns (one
    transaction at a time: `_take_turn`), so the keys a scan reads from the outbox are all
    there are until it commits, and it inserts only the others. Every rule's items and keys
    are read first, then the rows are built as they are written: on PostgreSQL the server
    stores the first rows while the later ones are being built.
    """
    with collector.paused():
        _take_turn()
        users = _active_users()
        staff = {Audience.HQ: _holders(Role.HQ_ADMIN),
                 Audience.COMMITTEE: _holders(Role.INVESTMENT_COMMITTEE)}
        context = _Context(users=users, staff=staff, channels=_channels(),
                           default_locale=current_app.config["DEFAULT_LOCALE"],
                           domain=mail.mail_domain(), now=utcnow(),
                           adapter=current_app.url_map.bind("localhost"))
        reads = [read for rule in RULES.values()
                 if (read := _read(rule, as_of)) is not None]
        new = _insert_new(row for read in reads for row in _new_rows(read, context))
        found = sum(read.found for read in reads)
        # Freed before the collector resumes: else the first allocation after it would walk
        # every object the scan made, all young and all alive (0.05-0.15 s of each 60,000-row
        # re-scan, timed under load: eb5e90a).
        del reads, context
    return ScanResult(as_of=as_of, found=found, new=new)


@dataclass
class _Context:
    """What every rule of one scan reads alike."""

    users: dict[int, str | None]  # active users and their locales
    staff: dict[Audience, list[int]]
    channels: dict[int, str]
    default_locale: str
    domain: str
    now: datetime  # created_at of every row written
    adapter: Any  # werkzeug's MapAdapter: the items' links


@dataclass
class _Read:
    """What one rule's part of a scan read: its open items, the rungs fired for each of their
    deadlines, who turned the rule off, and the outbox's keys among those it would write."""

    rule: Rule
    ladder: Ladder
    items: list[Item]
    fired: dict[date, list[tuple[Rung, str, bool]]]  # (rung, occurrence, is a first rung)
    declined: set[int]
    written: set[tuple[int, str, int]]
    as_of: date
    # The instant the day of each deadline's earliest rung fired ended: an item that came
    # into the tracker before it had none of its rungs fire before it arrived.
    first_past: dict[date, datetime]
    found: int = 0  # occurrences due, new or not: counted as the rows are built


def _read(rule: Rule, as_of: date) -> _Read | None:
    ladder = ladder_of(rule)
    items = rule.items(Query(until=as_of + timedelta(days=ladder.lookahead), on=as_of))
    if not items:
        return None
    # Thousands of items share a few hundred deadlines: each deadline's rungs once.
    fired = {deadline: [(rung, rung.occurrence(deadline), rung.audience is rule.first)
                        for rung in ladder.current(deadline, as_of)]
             for deadline in {item.deadline for item in items}}
    # The outbox's keys among those this scan would write: its items with a rung fired, at
    # the occurrences fired now (not the earlier rungs of the same items, sent already).
    written = _written(rule, [item.id for item in items if fired[item.deadline]],
                       {occurrence for rungs in fired.values() for _r, occurrence, _f in rungs})
    zone = org_zone()
    first_past = {deadline: datetime.combine(min(rung.fire_on for rung, _o, _f in rungs)
                                             + timedelta(days=1), time(0), zone).astimezone(UTC)
                  for deadline, rungs in fired.items() if rungs}
    return _Read(rule, ladder, items, fired, opted_out(rule), written, as_of, first_past)


def _news(read: _Read, item: Item) -> list[tuple[Rung, str, bool]]:
    """The item's rungs fired by the scan's date that are news (`Ladder.news`): all of them
    for a record that was there before the first fired, or after the scan's date."""
    rungs = read.fired[item.deadline]
    if item.arrived is None or not rungs or item.arrived < read.first_past[item.deadline]:
        return rungs
    arrived = local_date(item.arrived)
    if arrived > read.as_of:
        return rungs
    kept = set(read.ladder.news([rung for rung, _o, _f in rungs], item.deadline, arrived))
    return [fired for fired in rungs if fired[0] in kept]


def _new_rows(read: _Read, context: _Context) -> Iterator[tuple]:
    """The rule's occurrences due that are not in the outbox yet, as rows in the order of
    COLUMNS; `read.found` counts those due, new or not, once they have all been yielded.

    An item's keys are compared with those in the outbox as a set, in one step: a re-scan
    that finds nothing new builds no row, no details, no link."""
    rule, fired, declined, written = read.rule, read.fired, read.declined, read.written
    users, staff = context.users, context.staff
    seen: set[tuple[int, str, int]] = set()  # every occurrence due, new or not
    items_seen: set[int] = set()
    for item in read.items:
        item_id = item.id
        # (item, occurrence, recipient) -> its rung; the first rung to name a key keeps it.
        # Who each rung reaches is worked out here, not by a function called for every item
        # and rung (42,000 calls in a 60,000-row scan: a fifth of a re-scan's loop).
        due: dict[tuple[int, str, int], Rung] = {}
        for rung, occurrence, first in (fired[item.deadline] if item.arrived is None
                                        else _news(read, item)):
            audience = rung.audience
            if audience is OWNER:  # and whoever stands in for them
                people = (item.owner_id, *item.stand_in_ids)
            elif audience is DIRECTOR:
                people = (item.director_id,)
            elif audience is CHAIR:
                people = (item.chair_id,)
            else:  # HQ, the committee: every holder of the role
                people = staff.get(audience, ())
            for user_id in people:  # None (nobody) is no active user
                if user_id in users and not (first and user_id in declined):
                    key = (item_id, occurrence, user_id)
                    if key not in due:
                        due[key] = rung
        if item_id in items_seen:  # listed twice by its query: its keys count once
            due = {key: rung for key, rung in due.items() if key not in seen}
        items_seen.add(item_id)
        seen.update(due)
        if due.keys() <= written:
            continue  # every one already in the outbox: no row to build
        details = json.dumps(_details(item, read.ladder, context.adapter))
        for key, rung in due.items():
            if key in written:
                continue
            item_id, occurrence, user_id = key
            yield (rule.name, item_id, occurrence, user_id, AUDIENCES[rung.audience],
                   item.deadline, rung.fire_on, item.project_id, details,
                   users[user_id] or context.default_locale, PENDING, 0, "", context.now,
                   mail.message_id(rule.name, item_id, occurrence, user_id, context.domain),
                   context.channels.get(user_id, EMAIL))
    read.found = len(seen)


def _take_turn() -> None:
    """Wait for any other scan to commit (PostgreSQL: a lock held until the end of this
    transaction). SQLite needs none: every transaction there takes the write lock when it
    begins (tracker/db.py), so scans already take turns."""
    take_turn(db.session.connection(), SCAN_LOCK)


def _written(rule: Rule, item_ids: list[int],
             occurrences: set[str]) -> set[tuple[int, str, int]]:
    """(item, occurrence, recipient) of this rule's items already in the outbox at these
    occurrences, read by its unique key: a scan that finds nothing new reads these instead of
    building rows (details, links, Message-IDs) that the insert would skip, and no more (an
    item overdue for months has a row for every rung it passed).

    Read with the driver's cursor, as plain tuples: tens of thousands of keys as SQLAlchemy
    rows would cost more than the query. One statement, the ids and occurrences as arrays."""
    if not item_ids or not occurrences:
        return set()
    ids, fired = sorted(set(item_ids)), sorted(occurrences)
    connection = db.session.connection()
    with closing(connection.connection.driver_connection.cursor()) as cursor:
        if connection.dialect.name == "postgresql":
            # The ids typed integer[] (the driver would send small ids as smallint[]:
            # PostgreSQL hashes the array only when the types match, else compares each row
            # with every id, seconds at 20,000 ids), as the array's text, '{1,2,3}' (the
            # driver's dumping of a list of 20,000 ints cost more than the query).
            cursor.execute("SELECT item_id, occurrence, recipient_id FROM reminder_outbox "
                           "WHERE rule = %s AND item_id = ANY(%s::integer[]) "
                           "AND occurrence = ANY(%s::text[])",
                           (rule.name, "{" + ",".join(map(str, ids)) + "}", fired))
        else:
            cursor.execute("SELECT item_id, occurrence, recipient_id FROM reminder_outbox "
                           "WHERE rule = ? AND item_id IN (SELECT value FROM json_each(?)) "
                           "AND occurrence IN (SELECT value FROM json_each(?))",
                           (rule.name, json.dumps(ids), json.dumps(fired)))
        return set(cursor.fetchall())


def _insert_new(rows: Iterator[tuple]) -> int:
    """Insert the rows (none of them in the outbox: `scan` read its keys after taking its
    turn) as they come; return how many."""
    first = next(rows, None)
    if first is None:
        return 0
    rows = itertools.chain((first,), rows)
    connection = db.session.connection()
    if connection.dialect.name == "postgresql":
        db.session.info[db.WROTE] = True  # COPY is no cursor execute (`db.finish`)
        return _copy(connection, rows)
    # One statement executed for many rows, compiled once. ON CONFLICT DO NOTHING still, as
    # the unique key is what guarantees one row per occurrence whatever happens.
    stmt = (sqlite.insert(OutboxMessage.__table__)
            .on_conflict_do_nothing(index_elements=list(KEY))
            .execution_options(preserve_rowcount=True))  # SQLAlchemy keeps it for INSERTs
    details: dict[str, dict] = {}  # the JSON column takes a dict: each item's decoded once
    new = 0
    while chunk := [dict(zip(COLUMNS, row, strict=True))
                    for row in itertools.islice(rows, INSERT_CHUNK)]:
        for row in chunk:
            if row["details"] not in details:
                details[row["details"]] = json.loads(row["details"])
            row["details"] = details[row["details"]]
        new += connection.execute(stmt, chunk).rowcount
    return new


def _copy(connection, rows: Iterator[tuple]) -> int:
    """PostgreSQL: COPY the rows straight into the outbox, the cheapest way in for tens of
    thousands of rows (an INSERT of as many parameter sets costs seconds; COPY into a
    temporary table then INSERT ... ON CONFLICT, twice the work of this), in the binary format
    (half the client's CPU of the text one), each row sent as it is built. A key already
    there would fail the COPY and the scan, never write a second row."""
    written = 0
    with closing(connection.connection.driver_connection.cursor()) as cursor, cursor.copy(
            f"COPY reminder_outbox ({', '.join(COLUMNS)}) FROM STDIN (FORMAT BINARY)") as copy:
        copy.set_types(list(COLUMNS.values()))
        for row in rows:
            copy.write_row(row)
            written += 1
    return written
