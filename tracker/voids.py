"""A record entered entirely by mistake is voided, never deleted (issue 9 point 5): it stays,
marked with who voided it, when and why, shown as voided on its page and in its history, and
counts nowhere (`Voidable.standing`: every list, figure, reminder and export of its kind asks
for the standing ones).

One shape for every kind that can be voided (a research contract, an allocation-investment
agreement, a tranche, a spin-off's IP deal): the columns and their CHECK (`Voidable`,
`void_whole`), the service's last steps (`void`: what depends on it refused, the reason, the
marks, the audit record with its values), and the sentence said of a voided one (`voided`).
What must not depend on a record when it is voided (money paid under it, shares it issued) is
each kind's own rule, its `void_refusal`, which its service hands to `void` and its page reads
to offer the form or say what to reverse first; who may, and what is locked, stay the kind's.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import CheckConstraint, ColumnElement, ForeignKey, Text
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from tracker import db, reversals
from tracker.audit import services as audit
from tracker.corrections import reason_of
from tracker.dates import local_date
from tracker.db import UTCDateTime, utcnow
from tracker.display.formatting import aside, day
from tracker.display.formatting import money as cny
from tracker.errors import Problems, Refused

if TYPE_CHECKING:
    from tracker.accounts.models import User


def void_whole() -> CheckConstraint:
    """Voided whole (when, why and by whom) or not at all; each table its own copy."""
    return CheckConstraint(
        "(voided_at IS NULL AND void_reason IS NULL AND voided_by_id IS NULL) OR "
        "(voided_at IS NOT NULL AND void_reason IS NOT NULL AND voided_by_id IS NOT NULL)",
        name="void_whole")


# The kinds whose pages say they are withdrawn, not voided ("withdraw a post", "void an
# agreement"): a word, the mechanism is the same.
WITHDRAWN = frozenset({"trl_records", "progress_updates", "evidence", "assessment_evidence",
                       "assessment_evidence_files", "pm_interviews", "achievements",
                       "ip_rights", "deliverables"})


class Voidable:
    """Mixed into a model whose records can be voided (or withdrawn, as `WITHDRAWN` says)."""

    voided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    void_reason: Mapped[str | None] = mapped_column(Text)

    @declared_attr
    def voided_by_id(cls) -> Mapped[int | None]:
        return mapped_column(ForeignKey("users.id"))

    @declared_attr
    def voided_by(cls) -> Mapped[User | None]:
        """Who voided it, named beside it on its page: read for a page's voided records at
        once (none read while none is voided)."""
        return relationship("User", foreign_keys=f"{cls.__name__}.voided_by_id",
                            lazy="selectin")

    @property
    def is_void(self) -> bool:
        return self.voided_at is not None

    @classmethod
    def standing(cls) -> ColumnElement[bool]:
        """SQL: the records that count (not voided)."""
        return cls.voided_at.is_(None)

    @property
    def says_withdrawn(self) -> bool:
        return self.__tablename__ in WITHDRAWN


@dataclass(frozen=True)
class Blocker:
    """What keeps a record from being voided, and where it is undone first: an endpoint and
    its values (`link` is built on the page that shows it), and what the link says; none when
    there is nothing to undo (voided already, the agreement closed). Several entries to undo
    (`each`: their values and words) get a link each, the first of them `values`."""

    text: str
    endpoint: str | None = None
    values: dict = field(default_factory=dict)
    says: str = ""
    each: tuple[tuple[dict, str], ...] = ()

    @property
    def link(self) -> str | None:
        return url_for(self.endpoint, **self.values) if self.endpoint else None

    @property
    def links(self) -> list[tuple[str, str]]:
        """Every link of what to undo, (address, words): one for each entry, on the page that
        offers the void and on the refusal's page (`DomainError.undo`)."""
        if not self.endpoint:
            return []
        if not self.each:
            return [(self.link, self.says)]
        return [(url_for(self.endpoint, **values), says) for values, says in self.each]

    def refused(self, back: str | None = None) -> Refused:
        """The refusal of the void this blocks, in its words with a link to each thing to undo
        first (`links`, built when it is shown): the same whether the void's page refuses its
        form (`tracker.web.corrections.offered`, linking `back` too) or its service the void
        sent (`void`, which the form's page says above the form refilled)."""
        return Refused(self.text, back=back, undo=lambda: self.links)


def standing_first(entries: list, said: Callable[[int, str], str], endpoint: str, key: str,
                   says: str) -> Blocker | None:
    """The entries of a ledger (payments, disbursements) recorded under a record that still
    stand, as what to reverse before voiding it: said with their number and total
    (`said(num, amount)`), linking to each one's reversal (`endpoint`, its id as `key`), named
    by its amount when there are several; None when none stands."""
    standing = [e for e in entries if not reversals.undone(e)]
    if not standing:
        return None
    total = cny(sum((e.amount for e in standing), Decimal(0)))
    each = tuple(({key: e.id}, f"{says}{aside(cny(e.amount))}") for e in standing)
    return Blocker(said(len(standing), total), endpoint, {key: standing[0].id}, says,
                   each if len(each) > 1 else ())


def owed_first(owed: list, said: Callable[[int], str]) -> Blocker | None:
    """Reports owed to a funder under a record and not cancelled (`ReportObligation`), as what
    to cancel before voiding it: said with their number, linking to each (named by its due
    date when there are several); None when none is owed."""
    if not owed:
        return None
    says = _("The report owed")
    each = tuple(({"obligation_id": o.id}, f"{says}{aside(day(o.due_on))}") for o in owed)
    return Blocker(said(len(owed)), "obligations.show", {"obligation_id": owed[0].id}, says,
                   each if len(each) > 1 else ())


# What is said of a voided record, by its table (a withdrawn one's, `WITHDRAWN`, alike for
# every kind): the refusal of anything more on it, and the line its page shows under its name.
_VOIDED = {
    "research_contracts": lambda d, r: _(
        "This contract was voided on %(date)s (%(reason)s): it is kept as history and changes "
        "no more.", date=d, reason=r),
    "funding_agreements": lambda d, r: _(
        "This allocation-investment agreement was voided on %(date)s (%(reason)s): it is kept "
        "as history and changes no more.", date=d, reason=r),
    "tranches": lambda d, r: _(
        "This tranche was voided on %(date)s (%(reason)s): it is kept as history and changes "
        "no more.", date=d, reason=r),
    "ip_transfers": lambda d, r: _(
        "This transfer or licence was voided on %(date)s (%(reason)s): it is kept as history "
        "and changes no more.", date=d, reason=r),
    "ip_deals": lambda d, r: _(
        "This licence or assignment was voided on %(date)s (%(reason)s): it is kept as history "
        "and changes no more.", date=d, reason=r),
}


def _withdrawn(d: str, r: str) -> str:
    return _("It was withdrawn on %(date)s (%(reason)s): nothing more is recorded for it.",
             date=d, reason=r)


# The withdrawn kinds whose refusal names them: said of an achievement or a right on the
# forms of what is recorded under it (a deal, an annuity), not only on its own page.
NAMED = frozenset({"achievements", "ip_rights"})


def voided(record: Any) -> str:
    on, why = day(local_date(record.voided_at)), record.void_reason
    if record.__tablename__ in NAMED:
        return _("“%(title)s” was withdrawn on %(date)s (%(reason)s): nothing more is "
                 "recorded for it.", title=record.title, date=on, reason=why)
    return _VOIDED.get(record.__tablename__, _withdrawn)(on, why)


def refusal(record: Any) -> str | None:
    """Why nothing more is done with `record` (corrected, edited, recorded under) once it is
    voided or withdrawn: its sentence (`voided`); None while it stands. The first refusal of
    every form on such a record, the service's and its page's alike."""
    return voided(record) if record.is_void else None


def mark(actor: User, record: Any, reason: str) -> dict[str, list[Any]]:
    """Mark `record` voided by `actor` now, with `reason`; returns the changes to audit (a
    post's files withdrawn by its correction are audited with the post's)."""
    record.voided_at, record.void_reason = utcnow(), reason
    record.voided_by_id, record.voided_by = actor.id, actor
    return audit.pending_changes(record)


def void(actor: User, record: Any, reason: str | None, action: str, missing: str | None = None,
         follow: Callable[[], dict[str, list[Any]]] | None = None, *,
         refusal: Callable[[Any], Blocker | None] | None = None,
         stale: Iterable[Any] = ()) -> Any:
    """The last steps of every void or withdrawal, once its service has checked who may (and
    locked what the record stands on): the ledger entries under it read again (`stale`: one
    reversed meanwhile no longer holds it), what still depends on it (`refusal`, the kind's
    `void_refusal`: its `Blocker` refused in its words), the reason (said `missing` beside the
    form's field when there is none), the marks, and the audit record of `action` with the
    values written and what `follow()` changed after them (a project's TRL, a milestone's
    percentage, the deal a transfer named)."""
    for entry in stale:
        db.session.expire(entry, ["reversed_by"])
    if refusal is not None and (said := refusal(record)) is not None:
        raise said.refused()
    problems = Problems()
    reason = reason_of(problems, reason, missing)
    problems.raise_any()
    changes = mark(actor, record, reason)
    audit.record(actor, action, record, {**changes, **(follow() if follow else {})})
    db.session.flush()
    return record
