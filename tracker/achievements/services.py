"""What people do with the achievement and IP register: record an achievement with its
contributors, the rights protecting it, and each patent's annuities. Each function checks the
actor's permission, validates (every problem at once), applies, audits, flushes."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from tracker import db
from tracker.accounts.models import User
from tracker.achievements import annuities, queries, withdrawals
from tracker.achievements.models import (
    FIELDS_OF_KIND,
    STATUSES_OF_KIND,
    TITLE_LENGTH,
    Achievement,
    Annuity,
    Contributor,
    IpRight,
    Jurisdiction,
    PatentType,
    RightKind,
    RightStatus,
    number_key,
    title_key,
)
from tracker.audit import services as audit
from tracker.dates import in_future
from tracker.display.formatting import day, pct
from tracker.display.labels import label
from tracker.errors import Forbidden, Invalid, Problems, Refused, in_row
from tracker.money import CENT, HUNDRED, ZERO
from tracker.names import name_key, one_line

if TYPE_CHECKING:
    from tracker.projects.models import Project


@dataclass(frozen=True)
class ContributorLine:
    """A row of the contributors' table: a user, or a person named as written."""

    user_id: int | None
    name: str
    share_pct: Decimal | None
    row: int | None = None  # its row in the form's table: a problem is shown there

    def field(self, column: str) -> str:
        return in_row("contributors", self.row, column)


def contributor_rows(lines: list[ContributorLine], problems: Problems) -> list[Contributor]:
    """The contributors, each checked beside its row; their shares add up to exactly 100 %."""
    if not lines:
        problems.add("contributors", _("Name the contributors and their shares."))
        return []
    found: list[Contributor] = []
    # Each contributor once: a user once, and a name typed (however spaced or cased) neither
    # twice nor as a user listed already; two users of one name are two people.
    user_ids: set[int] = set()
    typed: set[str] = set()
    user_names: set[str] = set()
    for position, line in enumerate(lines):
        user = db.session.get(User, line.user_id) if line.user_id else None
        written = one_line(line.name)
        name = user.name if user is not None else written
        if user is not None and written and written != user.name:
            problems.add(line.field("name"), _(
                "Choose a user or type a name, not both: %(user)s was chosen and %(name)s typed.",
                user=user.name, name=written))
        if line.user_id and user is None:
            problems.add(line.field("user_id"), _("Choose one of the users listed."))
        elif not name:
            problems.add(line.field("name"), _("Name the contributor or choose a user."))
        key = name_key(name)
        if user is not None:
            twice = user.id in user_ids or key in typed
            user_ids.add(user.id)
            user_names.add(key)
        elif key in user_names:
            twice = False
            problems.add(line.field("name"), _(
                "%(name)s is listed already, as a user: if this is another person of that "
                "name, say who beside it (their organisation).", name=name))
        else:
            twice = bool(key) and key in typed
            typed.add(key)
        if twice:
            problems.add(line.field("user_id" if user is not None else "name"), _(
                "%(name)s is listed twice: list each contributor once, with their whole "
                "share.", name=name))
        share = line.share_pct
        if share is None or not ZERO < share <= HUNDRED:
            problems.add(line.field("share_pct"), _(
                "A contributor's share is more than 0 and at most 100%."))
            share = None
        found.append(Contributor(position=position, user_id=user.id if user else None,
                                 name=name[:100], share_pct=share))
    shares = [c.share_pct for c in found if c.share_pct is not None]
    if len(shares) == len(found) and sum(shares, ZERO) != HUNDRED:
        problems.add("contributors", _(
            "The contributors' shares add up to %(total)s, not 100%%.",
            total=pct(sum(shares, ZERO))))
    return found


def _shown(contributors: list[Contributor]) -> list[str]:
    """The contributors as the history says them: each share with two decimals however it was
    typed (60 and 60.00 are one share, said once as 60.00%)."""
    return [f"{c.name} {c.share_pct.quantize(CENT)}%" for c in contributors]


def _same(contributors: list[Contributor]) -> list[tuple]:
    """What a contributor row is: who (the user, or the name typed), and their share. Compared
    on this, not on the names shown: a person named is linked to their user account under the
    same name and share, and that is a change."""
    return [(c.user_id, c.name, c.share_pct.quantize(CENT)) for c in contributors]


def _users(contributors: list[Contributor]) -> list[str]:
    """The contributors who are users, by name: they read their statements themselves."""
    return [c.name for c in contributors if c.user_id is not None]


def save_achievement(actor: User, project: Project, achievement: Achievement | None, *,
                     title: str, description: str,
                     contributors: list[ContributorLine]) -> Achievement:
    """Record an achievement of `project` (`achievement` None) or change one."""
    project = project if achievement is None else achievement.project
    if not Achievement.can_record(actor, project):
        raise Forbidden()
    if achievement is not None:
        _not_withdrawn(achievement)
    if (said := withdrawals.record_refusal(project)) is not None:
        raise Refused(said)
    problems = Problems()
    title = " ".join((title or "").split())[:TITLE_LENGTH]
    if not title:
        problems.add("title", _("Give the achievement's title."))
    elif (twin := queries.titled_twin(project, title, achievement)) is not None:
        problems.add("title", queries.listed_already(title, twin))
    rows = contributor_rows(contributors, problems)
    problems.raise_any()
    creating = achievement is None
    before = [] if creating else _shown(achievement.contributors)
    unchanged = not creating and _same(rows) == _same(achievement.contributors)
    users_before = [] if creating else _users(achievement.contributors)
    with _unique("title", lambda: queries.titled_twin(
            project, title, None if creating else achievement),
            lambda twin: queries.listed_already(title, twin)):
        if creating:
            achievement = Achievement(project_id=project.id, created_by_id=actor.id)
        achievement.title, achievement.title_key = title, title_key(title)
        achievement.description = (description or "").strip()
        changes = audit.pending_changes(achievement)
        changes.pop("title_key", None)  # the title itself is audited
        db.session.add(achievement)
    if not unchanged:
        achievement.contributors = rows
        if _shown(rows) != before:
            changes["contributors"] = [before or None, _shown(rows)]
        if not creating and (linked := _users(rows)) != users_before:
            # Linking a person named to their account leaves the names shown as they were.
            changes["contributor_users"] = [users_before or None, linked or None]
    audit.saved(actor, "achievement", achievement, creating, changes)
    db.session.flush()
    return achievement


RIGHT_FIELDS = ("kind", "patent_type", "title", "number", "jurisdiction", "status", "filed_on",
                "granted_on", "attorney_costs")


def save_right(actor: User, achievement: Achievement, right: IpRight | None, *,
               kind: RightKind | str | None, patent_type: PatentType | str | None, title: str,
               number: str | None, jurisdiction: Jurisdiction | str | None,
               status: RightStatus | str | None, filed_on: date | None, granted_on: date | None,
               attorney_costs: Decimal | None) -> IpRight:
    """Record a right protecting `achievement` (`right` None) or change one. What its kind does
    not record (`FIELDS_OF_KIND`: know-how has no patent type, number or dates) is refused,
    not dropped; its number is registered once per office (`number_key`)."""
    if not achievement.can_manage(actor):
        raise Forbidden()
    _not_withdrawn(achievement, right)
    problems = Problems()
    kind = _member(RightKind, kind, "kind", _("Choose the kind of right."), problems)
    status = _member(RightStatus, status, "status", _("Choose the right's status."), problems)
    jurisdiction = _member(Jurisdiction, jurisdiction, "jurisdiction",
                           _("Choose where the right is filed or registered."), problems)
    patent_type = _member(PatentType, patent_type or None, "patent_type", "", problems,
                          optional=True)
    number = (number or "").strip()
    if kind is not None:
        _not_of_kind(kind, problems, patent_type=patent_type, number=number,
                     filed_on=filed_on, granted_on=granted_on)
        if status is not None and status not in STATUSES_OF_KIND[kind]:
            problems.add("status", _("Know-how is kept secret, never filed, granted or "
                                     "registered: it is held, no longer secret or given up."))
    if kind is RightKind.PATENT and patent_type is None:
        problems.add("patent_type", _("A patent is an invention, a utility model or a design."))
    title = " ".join((title or "").split())
    if not title:
        problems.add("title", _("Give the right's title."))
    if kind in (RightKind.PATENT, RightKind.SOFTWARE) and not number:
        problems.add("number", _("Give the application or registration number."))
    if kind is RightKind.PATENT and filed_on is None:
        problems.add("filed_on", _("Give the date the patent was filed."))
    if status is RightStatus.GRANTED and kind is not RightKind.KNOW_HOW and granted_on is None:
        problems.add("granted_on", _("A granted right has its date of grant."))
    elif status is RightStatus.FILED and granted_on is not None:
        problems.add("granted_on", _("A right still pending has no date of grant: choose "
                                     "“Granted or registered”, or leave the date empty."))
    for field, when in (("filed_on", filed_on), ("granted_on", granted_on)):
        if when is not None and (future := in_future(when)):
            problems.add(field, future)
    if (right is not None and right.kind is RightKind.PATENT and kind is not None
            and kind is not RightKind.PATENT and right.annuities):
        problems.add("kind", ngettext(
            "This patent lists %(num)d annuity: a right with annuities stays a patent (mark it "
            "lapsed or abandoned if it ends).",
            "This patent lists %(num)d annuities: a right with annuities stays a patent (mark "
            "it lapsed or abandoned if it ends).", len(right.annuities)))
    key = number_key(number, jurisdiction) if jurisdiction is not None else None
    if key and (twin := _registered(jurisdiction, key, right)) is not None:
        problems.add("number", _registered_already(number, twin))
    annuities.check_filed_before_annuities(right, filed_on, problems)
    if granted_on is not None and filed_on is not None and granted_on < filed_on:
        problems.add("granted_on", _("A right is granted after it is filed."))
    if attorney_costs is not None and attorney_costs < 0:
        problems.add("attorney_costs", _("The amount cannot be negative."))
    problems.raise_any()
    creating = right is None
    with _unique("number", lambda: _registered(
            jurisdiction, key, None if creating else right) if key else None,
            lambda twin: _registered_already(number, twin)):
        if creating:
            right = IpRight(achievement_id=achievement.id)
        right.kind, right.patent_type, right.title = kind, patent_type, title[:200]
        right.number, right.number_key, right.status = number[:50], key, status
        right.jurisdiction = jurisdiction
        right.filed_on, right.granted_on = filed_on, granted_on
        right.attorney_costs = attorney_costs or Decimal("0")
        changes = audit.pending_changes(right)
        changes.pop("number_key", None)  # the number itself is audited
        db.session.add(right)
    audit.saved(actor, "ip_right", right, creating, changes)
    db.session.flush()
    return right


@contextmanager
def _unique(field: str, twin: Callable[[], Any], said: Callable[[Any], str]) -> Iterator[None]:
    """The block's write, in a savepoint opened before any change (so nothing else is undone
    with it). Another request may write the same title or number between the service's check
    and this (two tabs, two colleagues, an import beside the form; PostgreSQL makes it wait for
    the first's commit): the unique index refuses the second, told beside `field` as if the
    check had seen the first, `twin()` (None: another constraint, raised as it is)."""
    savepoint = db.session.begin_nested()
    try:
        yield
        db.session.flush()
        savepoint.commit()
    except IntegrityError:
        savepoint.rollback()
        if (found := twin()) is None:
            raise
        raise Invalid(field, said(found)) from None


def _not_withdrawn(*records: Achievement | IpRight | None) -> None:
    if (said := withdrawals.withdrawn_refusal(*records)) is not None:
        raise Refused(said)


def _registered_already(number: str, twin: IpRight) -> str:
    return _("%(number)s is registered already, as “%(title)s” (%(registered)s) of the "
             "achievement “%(achievement)s”: a right is listed once.", number=number,
             title=twin.title, registered=twin.number, achievement=twin.achievement.title)


def _not_of_kind(kind: RightKind, problems: Problems, **values) -> None:
    """Each value given for a field `kind` does not record, refused beside it."""
    name = label(kind)
    said = {
        "patent_type": _("Only a patent has a patent type: leave it empty for %(kind)s.",
                         kind=name),
        "number": _("%(kind)s has no application or registration number: leave it empty.",
                    kind=name),
        "filed_on": _("%(kind)s is not filed: leave the filing date empty.", kind=name),
        "granted_on": _("%(kind)s is not granted or registered: leave the date empty.",
                        kind=name),
    }
    for field, value in values.items():
        if field not in FIELDS_OF_KIND[kind] and value not in (None, ""):
            problems.add(field, said[field])


def _registered(jurisdiction: Jurisdiction, key: str, right: IpRight | None) -> IpRight | None:
    """The right already registered under this number at this office, other than `right`."""
    return db.session.scalar(select(IpRight).where(
        IpRight.jurisdiction == jurisdiction, IpRight.number_key == key,
        IpRight.id != (right.id if right is not None else -1)).order_by(IpRight.id).limit(1))


def _member(enum_cls, value, field: str, message: str, problems: Problems,
            optional: bool = False):
    if value is None or value == "":
        if not optional:
            problems.add(field, message)
        return None
    try:
        return enum_cls(value)
    except ValueError:
        problems.add(field, message or _("Choose one of the values listed."))
        return None


def add_annuity(actor: User, right: IpRight, *, year_no: int | None, due_on: date | None,
                fee: Decimal | None) -> Annuity:
    """An annuity of a patent, due on a date: its reminders start (rule `patent_annuity`)."""
    if not right.achievement.can_manage(actor):
        raise Forbidden()
    _not_withdrawn(right.achievement, right)
    problems = Problems()
    if right.kind is not RightKind.PATENT:
        problems.add("year_no", _("Only a patent has annuities."))
    db.lock(right, "annuities")  # two listings at once: one year each
    if year_no is None or not 1 <= year_no <= 30:
        problems.add("year_no", _("The patent's year is between 1 and 30."))
    if due_on is None:
        problems.add("due_on", _("Give the date the annuity is due."))
    elif right.filed_on is not None and due_on <= right.filed_on:
        problems.add("due_on", _("An annuity falls due after the patent is filed (%(date)s).",
                                 date=day(right.filed_on)))
    if "year_no" not in problems and "due_on" not in problems:
        annuities.check_order(right, None, year_no, due_on, problems)
    annuities.check_year_and_fee(right, year_no, fee, problems)
    problems.raise_any()
    if (said := annuities.listing_refusal(right)) is not None:
        raise Refused(said)
    annuity = Annuity(year_no=year_no, due_on=due_on, fee=fee, recorded_by_id=actor.id)
    right.annuities.append(annuity)
    audit.record(actor, "annuity.create", annuity)
    db.session.flush()
    return annuity


def pay_annuity(actor: User, annuity: Annuity, *, paid_on: date | None,
                amount: Decimal | None, late_fee_reason: str = "") -> Annuity:
    """The annuity paid: its reminders stop. More than the fee only as a late payment's
    surcharge, with a reason (`annuities.check_amount`)."""
    if not annuity.right.achievement.can_manage(actor):
        raise Forbidden()
    problems = Problems()
    if annuity.paid:  # paid meanwhile (another tab): the form is gone, say it above the page
        raise Refused(_("The annuity of year %(n)s was already recorded as paid on %(date)s: "
                        "nothing was recorded again.", n=annuity.year_no,
                        date=day(annuity.paid_on)))
    if paid_on is None:
        problems.add("paid_on", _("Give the date it was paid."))
    elif future := in_future(paid_on):
        problems.add("paid_on", future)
    elif annuity.right.filed_on is not None and paid_on < annuity.right.filed_on:
        problems.add("paid_on", _("An annuity is paid once the right is filed (%(date)s).",
                                  date=day(annuity.right.filed_on)))
    if amount is None or amount < 0 or (amount == 0 and annuity.fee > 0):
        problems.add("amount", _("Give the amount paid (more than 0)."))
    elif "paid_on" not in problems or amount < annuity.fee:
        annuities.check_amount(annuity, paid_on, amount, late_fee_reason, problems)
    problems.raise_any()
    annuity.paid_on, annuity.paid_amount = paid_on, amount
    annuity.late_fee_reason = late_fee_reason.strip() if amount > annuity.fee else ""
    audit.record(actor, "annuity.pay", annuity)
    db.session.flush()
    return annuity
