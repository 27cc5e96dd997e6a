"""What the history calls a record that has no name, title or code of its own: as its page or
its parent's page names it (a tranche by its number, a share entry by what, how many and when,
a licence by its kind and licensee), never "Tranche no. 12" by its id (issue 9, F21).

`NAMES` maps a table to the function naming one of its records, `LOADS` to the relationships
that function reads, loaded with the records (one statement per kind, whatever their number).
tests/test_history.py fails for a table of the trail that has neither a name nor an entry here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy.orm import selectinload

from tracker.achievements.deal_models import Transfer
from tracker.achievements.models import Annuity
from tracker.assessment.models import Allocation, EvidenceEntry
from tracker.display.formatting import (
    aside,
    day,
    instant,
    money,
    number,
    on_day,
    plural,
    share_count,
    whole_pct,
    year,
)
from tracker.display.labels import label
from tracker.files.models import StoredFile
from tracker.funding.models import CoFunder
from tracker.gates.models import PanelMember
from tracker.incentives.models import GrantKind, IncentiveGrant
from tracker.needs.models import NeedCandidate
from tracker.projects.models import ProjectMember


def stored_id(value: Any) -> int | None:
    """An id as the trail keeps it: a number, or its digits as text (a service that wrote the
    values before and after with `str`, the panel's chair), or the "id" of a record written
    whole (a need's candidate as proposed); None for anything else."""
    if isinstance(value, dict):
        value = value.get("id")
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _dated(what: str, on: Any) -> str:
    return f"{what} · {day(on)}" if on is not None else what


def _grant(grant: IncentiveGrant) -> str:
    """A grant as a phrase of the reader's language, whom to and what ("History of 孙浩's
    options over 150,000 shares"); it read "孙浩 · Options · 150,000 shares", the kind's label
    set between dots as a heading."""
    if grant.kind is GrantKind.OPTIONS:
        return ngettext("%(name)s's options over %(n)s share",
                        "%(name)s's options over %(n)s shares", plural(grant.shares),
                        name=grant.person_name, n=number(grant.shares))
    return ngettext("%(name)s's %(n)s restricted share", "%(name)s's %(n)s restricted shares",
                    plural(grant.shares), name=grant.person_name, n=number(grant.shares))


NAMES: dict[str, Callable[[Any], str]] = {
    "tranches": lambda o: _("Tranche %(n)s", n=o.number),
    "disbursements": lambda o: _dated(money(o.amount), o.paid_on),
    "conversions": lambda o: ngettext("Conversion into %(n)s share",
                                      "Conversion into %(n)s shares", plural(o.shares),
                                      n=number(o.shares)),
    "conversion_reversals": lambda o: _dated(_("Reversal"), o.on_date),
    "exit_reversals": lambda o: _dated(_("Reversal"), o.on_date),
    "annuity_payment_reversals": lambda o: _dated(_("Reversal"), o.on_date),
    "exercise_reversals": lambda o: _dated(_("Reversal"), o.on_date),
    "leaving_reversals": lambda o: _dated(_("Reversal"), o.on_date),
    "share_entries": lambda o: _dated(f"{label(o.kind)} · {share_count(o.shares)}", o.on_date),
    "round_investments": lambda o: money(o.amount),
    "shareholders": lambda o: o.shown_name,
    # A co-funder's `name` is its partner's Chinese key (what imports and exports write).
    "co_funders": lambda o: o.partner.shown("name"),
    "company_exits": lambda o: _dated(label(o.kind), o.on_date),
    "incentive_grants": _grant,
    "option_exercises": lambda o: _dated(ngettext("%(n)s share exercised",
                                                  "%(n)s shares exercised", plural(o.shares),
                                                  n=number(o.shares)), o.on_date),
    "ip_transfers": lambda o: f"{label(o.kind)} · {o.enterprise.shown('name')}",
    "patent_annuities": lambda o: " · ".join(part for part in (
        _("Annuity of year %(n)s", n=o.year_no), o.right.name) if part),
    "payments": lambda o: _dated(money(o.amount), o.received_on),
    "instalments": lambda o: _dated(money(o.amount), o.due_date),
    "spending_entries": lambda o: o.description or _dated(money(o.amount), o.spent_on),
    "gate_decisions": lambda o: f"{label(o.outcome)} · {on_day(o.decided_at)}",
    "approval_requests": lambda o: label(o.subject),
    "approval_steps": lambda o: o.shown("level_name"),
    "approval_delegations": lambda o: f"{day(o.starts_on)} – {day(o.ends_on)}",
    "rebaselines": lambda o: f"{day(o.old_date)} → {day(o.new_date)}",
    "progress_updates": lambda o: f"{whole_pct(o.percent)} · {instant(o.at)}",
    "trl_records": lambda o: _("TRL %(n)s", n=o.level),
    "official_documents": lambda o: o.number or label(o.kind),
    "phase_changes": lambda o: f"{label(o.from_phase)} → {label(o.to_phase)}",
    "pm_handovers": lambda o: instant(o.at),
    "project_baselines": lambda o: instant(o.taken_at),
    "project_members": lambda o: o.user.name,
    "panel_members": lambda o: o.user.name,
    "panel_corrections": lambda o: f"{label(o.kind)} · {instant(o.corrected_at)}",
    "change_corrections": lambda o: instant(o.corrected_at),
    "rebaseline_corrections": lambda o: instant(o.corrected_at),
    "assessment_years": lambda o: _("Assessment of %(year)s", year=year(o.year)),
    "assessment_evidence": lambda o: f"{o.indicator.shown('name')} · {o.institute.shown('name')}",
    "assessment_allocations": lambda o: o.institute.shown("name"),
    "need_candidates": lambda o: o.institute.shown("name") + (aside(o.pm.name) if o.pm else ""),
    "calendar_years": lambda o: year(o.year),
    "enterprise_recognitions": lambda o: f"{label(o.recognition)} · {year(o.year)}",
    "import_runs": lambda o: o.files,
    "stored_files": lambda o: o.original_name,
}

LOADS = {
    "co_funders": (selectinload(CoFunder.partner),),
    "ip_transfers": (selectinload(Transfer.enterprise),),
    "project_members": (selectinload(ProjectMember.user),),
    "panel_members": (selectinload(PanelMember.user),),
    "assessment_evidence": (selectinload(EvidenceEntry.indicator),
                            selectinload(EvidenceEntry.institute)),
    "assessment_allocations": (selectinload(Allocation.institute),),
    "need_candidates": (selectinload(NeedCandidate.institute), selectinload(NeedCandidate.pm)),
    "patent_annuities": (selectinload(Annuity.right),),
    # What `StoredFile.can_download` reads, for the links of a history to its files.
    "stored_files": (selectinload(StoredFile.project), selectinload(StoredFile.evidence),
                     selectinload(StoredFile.official_document),
                     selectinload(StoredFile.deliverables),
                     selectinload(StoredFile.report_submissions),
                     selectinload(StoredFile.partner_agreements)),
}
