"""Evidence and its review, scores, ranks and change, the funding approval, and who may see
what: through the services and through the pages."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from sqlalchemy import select

from tests.assessment.conftest import PDF, YEAR
from tests.factories import _commit
from tracker import db
from tracker.assessment import scoring, services
from tracker.assessment.models import Allocation, EvidenceState, Measure
from tracker.audit.models import AuditRecord
from tracker.errors import Forbidden, Invalid, Refused

D = Decimal


def _enter(w, amount="50000"):
    entry = services.enter_evidence(w["director"], w["evidence"], w["ours"], amount=D(amount),
                                    description="Testing services for a local enterprise",
                                    uploads=[(io.BytesIO(PDF), "invoice.pdf")])
    _commit()
    return entry


def _ours(w):
    return scoring.year_table(YEAR).of(w["ours"].id)


def test_only_accepted_evidence_counts(world):
    w = world
    waiting = _enter(w)
    assert waiting.state is EvidenceState.SUBMITTED
    assert _ours(w).lines[1].value == 0 and _ours(w).total == 0
    with pytest.raises(Invalid, match="Say why"):
        services.review_evidence(w["admin"], waiting, accept=False, opinion=" ")
    services.review_evidence(w["admin"], waiting, accept=False, opinion="No bank statement")
    _commit()
    assert waiting.state is EvidenceState.RETURNED and waiting.opinion == "No bank statement"
    assert _ours(w).lines[1].value == 0
    accepted = _enter(w, "75000")
    services.review_evidence(w["admin"], accepted, accept=True, opinion="")
    _commit()
    # 75,000 of 100,000 earns 30 of the 40 points; the returned 50,000 still counts nothing.
    assert _ours(w).lines[1].value == D("75000.00") and _ours(w).total == D("30.00")
    with pytest.raises(Refused, match="an entry is reviewed once"):
        services.review_evidence(w["admin"], accepted, accept=False, opinion="Changed my mind")
    actions = set(db.session.scalars(select(AuditRecord.action).where(
        AuditRecord.action.like("assessment.%"))))
    assert {"assessment.indicator_create", "assessment.evidence_enter",
            "assessment.evidence_review"} <= actions


def test_evidence_is_entered_by_the_institute_and_reviewed_by_hq_only(world):
    w = world
    with pytest.raises(Forbidden):
        services.enter_evidence(w["other_director"], w["evidence"], w["ours"], amount=D(1),
                                description="x", uploads=[(io.BytesIO(PDF), "a.pdf")])
    with pytest.raises(Refused, match="computes this indicator"):
        services.enter_evidence(w["director"], w["signed"], w["ours"], amount=D(1),
                                description="x", uploads=[(io.BytesIO(PDF), "a.pdf")])
    with pytest.raises(Invalid, match="at least one file"):
        services.enter_evidence(w["director"], w["evidence"], w["ours"], amount=D(1),
                                description="x", uploads=[])
    entry = _enter(w)
    with pytest.raises(Forbidden):
        services.review_evidence(w["director"], entry, accept=True, opinion="")


def test_scores_rank_and_change_against_last_year(world):
    w = world
    services.save_indicator(w["admin"], None, year=YEAR - 1, measure=Measure.EVIDENCE,
                            name="服务收入", name_en=None, weight=D(100), target=D(10))
    last = services.save_indicator(w["admin"], None, year=YEAR - 1,
                                   measure=Measure.CONTRACTS_SIGNED, name="签约额",
                                   name_en=None, weight=D(10), target=D(10))
    _commit()
    assert last.year == YEAR - 1
    entry = _enter(w, "100000")
    services.review_evidence(w["admin"], entry, accept=True, opinion="")
    table = scoring.year_table(YEAR)
    ours, theirs = table.of(w["ours"].id), table.of(w["theirs"].id)
    # Theirs: 800,000 signed of a 1,000,000 target x 60 = 48.00; ours: 40.00 of evidence.
    assert (theirs.total, theirs.rank) == (D("48.00"), 1)
    assert (ours.total, ours.rank) == (D("40.00"), 2)
    assert theirs.previous == D("0.00") and theirs.change == D("48.00")


def test_approving_the_allocation_records_hqs_funding_and_locks_the_year(world):
    w = world
    with pytest.raises(Refused, match="No funding pool is set"):
        services.approve_allocation(w["admin"], YEAR)
    services.set_rule(w["admin"], YEAR, pool=D("1000000.00"), score_share=D("50"),
                      floor=D("100000"), cap=D("800000"))
    services.approve_allocation(w["admin"], YEAR)
    _commit()
    allocations = db.session.scalars(select(Allocation).order_by(Allocation.amount)).all()
    assert sum(a.amount for a in allocations) == D("1000000.00")
    # Theirs has all of the score (48 of 48) and all the revenue: weight 1, ours 0. Theirs
    # reaches the cap of 800,000 and ours, at the floor of 100,000, gets the 100,000 left.
    assert [(a.institute_id, a.amount) for a in allocations] == [
        (w["ours"].id, D("200000.00")), (w["theirs"].id, D("800000.00"))]
    with pytest.raises(Refused, match="approved"):
        services.set_rule(w["admin"], YEAR, pool=D("2"), score_share=D("50"), floor=D("0"),
                          cap=None)
    with pytest.raises(Refused, match="approved"):
        _enter(w)
