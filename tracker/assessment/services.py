"""What HQ and the institutes do with the yearly assessment: define indicators, enter and
review evidence, publish the ranking, set the funding rule and approve the allocation. Each
function checks the actor's permission, audits the change and flushes; the view commits."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import IO, TYPE_CHECKING

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select

from tracker import corrections, db, voids
from tracker.assessment import allocation, scoring
from tracker.assessment.models import (
    Allocation,
    AssessmentYear,
    EvidenceEntry,
    EvidenceFile,
    EvidenceState,
    Indicator,
    Measure,
)
from tracker.audit import services as audit
from tracker.audit.models import AuditRecord
from tracker.db import utcnow
from tracker.display.formatting import money as cny
from tracker.display.formatting import on_day
from tracker.display.labels import label
from tracker.errors import Forbidden, Invalid, Problems, Refused, require
from tracker.files import services as files
from tracker.money import cents

if TYPE_CHECKING:
    from tracker.accounts.models import User
    from tracker.organisations.models import Institute


def year_of(year: int) -> AssessmentYear:
    """The year's decisions; until HQ first decides one (`_saved_year`), the defaults
    (unpublished, with no pool), unsaved: reading a year writes nothing. (A row written by a
    page's read, or by an approval refused for want of a pool, was taken back by the refusal's
    rollback and written again by the page shown after it: on SQLite, under the same id, over
    the object the rollback had left, "Identity map already had an identity", a 500.)"""
    found = db.session.scalar(select(AssessmentYear).where(AssessmentYear.year == year))
    if found is None:
        found = AssessmentYear(year=year, ranking_published=False, score_share=Decimal("70"),
                               revenue_share=Decimal("30"), floor=Decimal("0"))
    return found


def _saved_year(year: int) -> AssessmentYear:
    """The year's decisions, saved the first time HQ decides one (its ranking, its rule)."""
    found = year_of(year)
    if found.id is None:
        db.session.add(found)
        db.session.flush()
    return found


def locked_refusal(year: int) -> str | None:
    """Why nothing of the year's assessment changes any more (its funding approved). Read
    once a transaction however many entries a page asks it for."""
    approved = db.cached(f"assessment_approved_{year}",
                         frozenset({AssessmentYear.__tablename__}),
                         lambda: db.session.scalar(select(AssessmentYear.approved_at).where(
                             AssessmentYear.year == year)) is not None)
    if approved:
        return _("The funding of %(year)d is approved: its assessment no longer changes.",
                 year=year)
    return None


def _unlocked(year: int) -> None:
    if (said := locked_refusal(year)) is not None:
        raise Refused(said)


def save_indicator(actor: User, indicator: Indicator | None, *, year: int, measure: Measure,
                   name: str, name_en: str | None, weight: Decimal, target: Decimal,
                   position: int = 0, is_count: bool = False) -> Indicator:
    """A new indicator of `year`, or a change to one (its measure stays what it was).
    `is_count`: an evidence indicator counted in a number, not in CNY."""
    if not Indicator.can_define(actor):
        raise Forbidden()
    _unlocked(year)
    problems = Problems()
    name = name.strip()
    if not name:
        problems.add("name", _("Name the indicator."))
    if weight <= 0:
        problems.add("weight", _("The weight must be more than zero."))
    if target <= 0:
        problems.add("target", _("The target must be more than zero."))
    clash = db.session.scalar(select(Indicator.id).where(
        Indicator.year == year, Indicator.name == name,
        Indicator.id != (indicator.id if indicator else 0)))
    if name and clash is not None:
        problems.add("name", _("%(year)d has an indicator of that name already.", year=year))
    problems.raise_any()
    creating = indicator is None
    if indicator is None:
        indicator = Indicator(year=year, measure=measure)
    indicator.name, indicator.name_en = name, (name_en or "").strip() or None
    indicator.weight, indicator.target, indicator.position = weight, target, position
    indicator.is_count = is_count and not indicator.is_computed  # a computed one says its unit
    changes = corrections.changed(indicator, new=creating)
    db.session.add(indicator)
    audit.saved(actor, "assessment.indicator", indicator, creating, changes)
    db.session.flush()
    return indicator


def evidence_refusal(indicator: Indicator) -> str | None:
    """Why no evidence is entered for the indicator: the tracker computes it, or its year's
    assessment no longer changes; None while it can be (whoever may: `EvidenceEntry.can_enter`)."""
    if indicator.is_computed:
        return _("The tracker computes this indicator from its records: evidence is entered "
                 "for the others.")
    return locked_refusal(indicator.year)


def enter_evidence(actor: User, indicator: Indicator, institute: Institute, *,
                   amount: Decimal, description: str,
                   uploads: Sequence[tuple[IO[bytes], str]]) -> EvidenceEntry:
    """What the institute claims for an evidence indicator, with its files; it counts once
    HQ accepts it."""
    require(EvidenceEntry.can_enter(actor, institute), lambda: evidence_refusal(indicator))
    problems = Problems()
    if amount < 0:
        problems.add("amount", _("The amount cannot be negative."))
    if not description.strip():
        problems.add("description", _("Say what the entry is and where it comes from."))
    if not uploads:
        problems.add("files", _("Attach the evidence: at least one file."))
    problems.raise_any()
    stored = [files.store(actor, stream, filename, field="files") for stream, filename in uploads]
    entry = EvidenceEntry(indicator_id=indicator.id, institute_id=institute.id,
                          amount=cents(amount), description=description.strip(),
                          state=EvidenceState.SUBMITTED, entered_by_id=actor.id,
                          attached=[EvidenceFile(file_id=f.id, file=f) for f in stored])
    changes = audit.pending_changes(entry)
    changes["files"] = [None, [f.original_name for f in stored]]
    db.session.add(entry)
    audit.record(actor, "assessment.evidence_enter", entry, changes)
    db.session.flush()
    return entry


def review_refusal(entry: EvidenceEntry) -> str | None:
    """Why HQ can't review the entry (withdrawn, or reviewed already), with its date; None
    while it waits for their review."""
    if (said := voids.refusal(entry)) is not None:
        return said
    if entry.state is EvidenceState.SUBMITTED:
        return None
    return _("HQ reviewed this entry on %(date)s (%(state)s): an entry is reviewed once. If it "
             "was judged wrongly, withdraw it; the institute enters it again.",
             date=on_day(entry.reviewed_at), state=label(entry.state))


def review_evidence(actor: User, entry: EvidenceEntry, *, accept: bool,
                    opinion: str) -> EvidenceEntry:
    """HQ accepts the entry (it counts) or returns it with an opinion (it does not)."""
    require(entry.can_review(actor), lambda: review_refusal(entry),
            lock=lambda: db.lock(entry))
    _unlocked(entry.indicator.year)
    opinion = opinion.strip()
    if not accept and not opinion:
        raise Invalid("opinion", _("Say why the entry is returned."))
    before = entry.state
    entry.state = EvidenceState.ACCEPTED if accept else EvidenceState.RETURNED
    entry.opinion, entry.reviewed_by_id, entry.reviewed_at = opinion, actor.id, utcnow()
    audit.record(actor, "assessment.evidence_review", entry, {
        "state": [before.value, entry.state.value], "opinion": [None, opinion or None]})
    db.session.flush()
    return entry


def reviewed_said(entry: EvidenceEntry) -> str:
    """What HQ's review just did to the entry, said to HQ: it counts, or it went back."""
    if entry.state is EvidenceState.ACCEPTED:
        return _("Evidence accepted: it counts.")
    return _("Evidence returned with your opinion.")


def publish_ranking(actor: User, year: int, published: bool) -> AssessmentYear:
    """Directors see every institute's total and rank only once HQ publishes them."""
    if not AssessmentYear.can_decide(actor):
        raise Forbidden()
    found = _saved_year(year)
    if found.ranking_published != published:
        audit.record(actor, "assessment.publish", found,
                     {"ranking_published": [found.ranking_published, published]})
        found.ranking_published = published
    db.session.flush()
    return found


def set_rule(actor: User, year: int, *, pool: Decimal, score_share: Decimal, floor: Decimal,
             cap: Decimal | None) -> AssessmentYear:
    """The pool and the rule that splits it; the allocation follows until approved."""
    if not AssessmentYear.can_decide(actor):
        raise Forbidden()
    _unlocked(year)
    problems = Problems()
    if pool <= 0 or cents(pool) != pool:
        problems.add("pool", _("Give a pool of more than zero, in yuan and fen."))
    if not 0 <= score_share <= 100:
        problems.add("score_share", _("Give a share from 0 to 100 %."))
    if floor < 0 or cents(floor) != floor:
        problems.add("floor", _("Give a floor of zero or more, in yuan and fen."))
    if cap is not None and (cap <= 0 or cents(cap) != cap):
        problems.add("cap", _("Give a cap of more than zero, in yuan and fen."))
    if cap is not None and cap < floor:
        problems.add("cap", _("The cap is below the floor."))
    problems.raise_any()
    found = _saved_year(year)
    found.pool, found.score_share, found.revenue_share = pool, score_share, 100 - score_share
    found.floor, found.cap = floor, cap
    audit.record_if_changed(actor, "assessment.rule", found)
    db.session.flush()
    return found


def computed_allocation(year: int) -> list[tuple[scoring.Result, Decimal, Decimal]]:
    """(the institute's result, its revenue received, its allocation) under the year's rule;
    refused when no pool is set or the floor and cap can't place it."""
    found = year_of(year)
    if (said := pool_refusal(found)) is not None:
        raise Refused(said)
    table = scoring.year_table(year)
    revenue = scoring.revenue_received(year)
    rule = allocation.Rule(found.pool, found.score_share, found.revenue_share, found.floor,
                           found.cap)
    try:
        amounts = allocation.allocate(rule, [r.total for r in table.results],
                                      [revenue[r.institute.id] for r in table.results])
    except allocation.Unplaceable as unplaceable:
        n, since = len(table.results), _rule_set_on(found)
        if str(unplaceable) == "floor":
            raise Refused(ngettext(
                "The rule of %(year)d, as set on %(date)s, gives %(num)d institute a floor of "
                "%(floor)s: more than the pool of %(pool)s. Lower the floor or raise the pool "
                "in the rule.",
                "The rule of %(year)d, as set on %(date)s, gives each of %(num)d institutes a "
                "floor of %(floor)s: more than the pool of %(pool)s. Lower the floor or raise "
                "the pool in the rule.", n, year=year, date=since, floor=cny(found.floor),
                pool=cny(found.pool))) from None
        raise Refused(ngettext(
            "Under the rule of %(year)d, as set on %(date)s, a floor of %(floor)s and a cap of "
            "%(cap)s cannot place the pool of %(pool)s in full with %(num)d institute: raise "
            "the cap, or lower the pool.",
            "Under the rule of %(year)d, as set on %(date)s, a floor of %(floor)s and a cap of "
            "%(cap)s cannot place the pool of %(pool)s in full among %(num)d institutes: raise "
            "the cap, or lower the pool.", n, year=year, date=since, floor=cny(found.floor),
            cap=cny(found.cap or 0), pool=cny(found.pool))) from None
    return [(r, revenue[r.institute.id], a)
            for r, a in zip(table.results, amounts, strict=True)]


def _rule_set_on(found: AssessmentYear) -> str:
    """The day the year's rule was last set (its latest `assessment.rule` record)."""
    at = db.session.scalar(select(AuditRecord.at).where(
        AuditRecord.action == "assessment.rule", AuditRecord.object_type == "assessment_years",
        AuditRecord.object_id == found.id).order_by(AuditRecord.id.desc()).limit(1))
    return on_day(at) if at is not None else "—"


def allocation_shown(assessment: AssessmentYear) -> tuple[list, str | None]:
    """What the funding page shows: the approved allocation as recorded, else the one the
    rule computes now, else (no pool, or a rule that can't place it) nothing and why."""
    if assessment.is_approved:
        return [(scoring.Result(a.institute, [], a.score), a.revenue, a.amount)
                for a in assessment.allocations], None
    if assessment.pool is None:
        return [], None
    try:
        return computed_allocation(assessment.year), None
    except Refused as refused:
        return [], refused.message


def pool_refusal(assessment: AssessmentYear) -> str | None:
    """Why the year's funding is not computed yet: its rule names no pool; None once it does."""
    if assessment.pool is not None:
        return None
    return _("No funding pool is set for %(year)d: its funding is computed once the year's "
             "rule names one. Set the pool in the rule first.", year=assessment.year)


def approval_refusal(assessment: AssessmentYear) -> str | None:
    """Why HQ can't approve the year's allocation now: approved already (by whom, when), or
    no pool to share; said by `approve_allocation` and, in place of its button, by the funding
    page. A rule that can't place the pool is said by `computed_allocation`."""
    if assessment.is_approved:
        return _("The allocation of %(year)d was approved on %(date)s by %(name)s and is "
                 "recorded as HQ's funding of each institute: it is approved once, and its "
                 "assessment no longer changes.", year=assessment.year,
                 date=on_day(assessment.approved_at), name=assessment.approved_by.name)
    return pool_refusal(assessment)


def approve_allocation(actor: User, year: int) -> AssessmentYear:
    """Record the computed allocation as HQ's funding of each institute; the year's
    assessment, evidence and rule no longer change."""
    if not AssessmentYear.can_decide(actor):
        raise Forbidden()
    found = year_of(year)
    if found.id is not None:  # none: no rule yet, so no pool (refused below)
        db.lock(found)
    if (said := approval_refusal(found)) is not None:
        raise Refused(said)
    rows = computed_allocation(year)
    found.allocations = [Allocation(institute_id=r.institute.id, score=r.total,
                                    revenue=revenue, amount=amount)
                         for r, revenue, amount in rows]
    found.approved_by_id, found.approved_at = actor.id, utcnow()
    audit.record(actor, "assessment.approve", found, {
        "pool": [None, str(found.pool)],
        "allocations": [None, {r.institute.code: str(amount) for r, _, amount in rows}]})
    db.session.flush()
    return found
