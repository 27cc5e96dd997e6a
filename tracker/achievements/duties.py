"""Duties under licences and patents that are late (issue 16, T23): patent annuities not paid,
royalty reports not received, royalties and upfront payments not received in full, each after
its due date. They were shown only on the PM's home page; HQ lists the network's
(`/achievements/late-duties`, filtered by institute and duty, exported), a director their
institutes' (and their home page lists them, as it lists the reports owed to funders that are
late), a PM their projects'. Read from the reminder rules' own queries
(tracker/achievements/reminders.py), so that a list and the reminders agree on what is late and
an item done leaves both."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select

from tracker import db
from tracker.accounts.models import User
from tracker.organisations.models import Institute
from tracker.projects.models import Project
from tracker.reminders.items import Item, Query
from tracker.reminders.rules import RULES, Rule

# The reminder rules whose items are a PM's duties under licences and patents.
DUTY_RULES = ("patent_annuity", "royalty_report", "royalty_payment", "upfront_payment")


@dataclass(frozen=True)
class Duty:
    """One duty late: its rule, the rule's item and the institute of the item's project."""

    rule: Rule
    item: Item
    institute_id: int
    institute: str  # in the reader's language

    @property
    def outstanding(self) -> Decimal | None:
        """What is still owed: an annuity's fee, a payment's part not received; None for a
        report."""
        owed = self.item.extra.get("outstanding") or self.item.extra.get("fee")
        return Decimal(owed) if owed is not None else None

    def days_late(self, on: date) -> int:
        return (on - self.item.deadline).days


def late(on: date, *, institute_ids: Collection[int] | None = None,
         owner_id: int | None = None, institute_id: int | None = None,
         rules: Collection[str] = DUTY_RULES) -> list[Duty]:
    """The duties due before `on` and not done, most late first: those of the projects of
    `institute_ids` or of `owner_id` (their PM), either (both given), or the network's (none
    given), and of these only `institute_id`'s, chosen in SQL. One statement per rule, and one
    for the institutes."""
    asked = Query(until=on - timedelta(days=1), on=on, owner_id=owner_id,
                  institute_ids=institute_ids, institute_id=institute_id)
    pairs = [(RULES[name], item) for name in DUTY_RULES if name in rules
             for item in RULES[name].items(asked)]
    projects = {p for _rule, item in pairs if (p := item.project_id) is not None}
    institutes = {row[0]: row[1:] for row in db.session.execute(
        select(Project.id, Institute.id, Institute.shown_in_sql("name"))
        .join(Institute, Institute.id == Project.institute_id)
        .where(Project.id.in_(projects)))} if projects else {}
    duties = [Duty(rule, item, *institutes[item.project_id]) for rule, item in pairs
              if item.project_id in institutes]
    return sorted(duties, key=lambda d: (d.item.deadline, d.rule.name, d.item.id))


def visible_to(user: User, on: date, institute_id: int = 0, rule: str = "") -> list[Duty]:
    """The late duties `user` may list (`Achievement.can_list`): the network's to the HQ-wide
    roles, a director's institutes' and a PM's own projects' to anyone else; filtered by an
    institute and a rule when given."""
    rules = (rule,) if rule else DUTY_RULES
    if user.sees_whole_portfolio:
        return late(on, institute_id=institute_id or None, rules=rules)
    return late(on, institute_ids=user.directed_institute_ids, owner_id=user.id,
                institute_id=institute_id or None, rules=rules)
