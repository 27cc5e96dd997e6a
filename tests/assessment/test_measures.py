"""Every computed indicator against a fixture computed by hand, with records on both sides of
the year's boundaries in Asia/Shanghai (1 January 00:00 there is 31 December 16:00 UTC), and
records of another institute that never count."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from tests.companies.helpers import incorporate, make_company, record_round
from tests.factories import (
    _commit,
    make_enterprise,
    make_institute,
    make_need,
    make_pm_record,
    make_project,
    make_user,
)
from tracker import db
from tracker.accounts.models import Role
from tracker.assessment import measures
from tracker.assessment.models import Measure
from tracker.audit import services as audit
from tracker.contracts import services as contracts
from tracker.contracts.models import ContractType
from tracker.funding.models import Conversion, ConversionReversal, FundingAgreement
from tracker.gates.models import GateDecision, GateReview, Outcome
from tracker.milestones.models import Milestone, MilestoneState
from tracker.organisations.models import NeedState
from tracker.pms.models import PmTerm
from tracker.projects.lifecycle import Phase

D = Decimal
YEAR = 2025
# The first and last instants of 2025 in Shanghai, and the instants just outside.
FIRST = datetime(2024, 12, 31, 16, 0, tzinfo=UTC)  # 2025-01-01 00:00 in Shanghai
BEFORE = datetime(2024, 12, 31, 15, 59, tzinfo=UTC)  # 2024-12-31 23:59 in Shanghai
LAST = datetime(2025, 12, 31, 15, 59, tzinfo=UTC)  # 2025-12-31 23:59 in Shanghai
AFTER = datetime(2025, 12, 31, 16, 0, tzinfo=UTC)  # 2026-01-01 00:00 in Shanghai


def _contract(project, type, amount, signed, payments=()):
    contract = contracts.record_contract(
        project.pm, project, enterprise_id=make_enterprise().id, title=f"{type} {signed}",
        type=type, amount=D(amount), signed_on=signed,
        instalments=[(signed, D(amount))])
    for received_on, paid in payments:
        contracts.record_payment(project.pm, contract.instalments[0], received_on, D(paid))
    _commit()
    return contract


def contracts_fixture(institute, other):
    project = make_project(institute=institute, start_date=date(2024, 1, 1))
    _contract(project, ContractType.DEVELOPMENT, "1000000", date(2024, 12, 31),
              [(date(2024, 12, 31), "100000"), (date(2025, 1, 1), "400000")])
    _contract(project, ContractType.TRANSFER, "500000", date(2025, 1, 1),
              [(date(2025, 12, 31), "250000"), (date(2026, 1, 1), "250000")])
    _contract(project, ContractType.SERVICE, "200000", date(2025, 12, 31),
              [(date(2025, 12, 31), "200000")])
    _contract(project, ContractType.LICENCE, "300000", date(2026, 1, 1),
              [(date(2026, 2, 1), "100000")])
    _contract(make_project(institute=other, start_date=date(2025, 1, 1)), ContractType.LICENCE,
              "999", date(2025, 6, 1), [(date(2025, 6, 1), "999")])


def test_contracts_signed_received_transfer_and_service_income():
    institute, other = make_institute(), make_institute()
    contracts_fixture(institute, other)
    signed = measures.drill_down(Measure.CONTRACTS_SIGNED, YEAR, institute.id)
    # The transfer signed on 1 January and the service signed on 31 December; not the
    # development of 31 December 2024, nor the licence of 1 January 2026.
    assert [(r.on, r.amount) for r in signed] == [(date(2025, 1, 1), D("500000.00")),
                                                  (date(2025, 12, 31), D("200000.00"))]
    assert measures.values(Measure.CONTRACTS_SIGNED, YEAR)[institute.id] == D("700000.00")
    received = measures.drill_down(Measure.CONTRACTS_RECEIVED, YEAR, institute.id)
    assert [(r.on, r.amount) for r in received] == [
        (date(2025, 1, 1), D("400000.00")), (date(2025, 12, 31), D("250000.00")),
        (date(2025, 12, 31), D("200000.00"))]
    values = measures.values(Measure.CONTRACTS_RECEIVED, YEAR)
    assert values == {institute.id: D("850000.00"), other.id: D("999.00")}
    # Transfer and licence income is the register's receipts, as the dashboard counts it
    # (tests/assessment/test_dashboard_twins.py): a transfer contract's payment is contract
    # research received, counted above.
    assert measures.values(Measure.TRANSFER_INCOME, YEAR, {institute.id}) == {}
    assert measures.values(Measure.SERVICE_INCOME, YEAR, {institute.id}) == {
        institute.id: D("200000.00")}
    assert measures.values(Measure.CONTRACTS_SIGNED, 2024, {institute.id}) == {
        institute.id: D("1000000.00")}


def test_a_reversed_payment_counts_negative_on_its_own_date():
    institute = make_institute()
    contract = _contract(make_project(institute=institute, start_date=date(2025, 1, 1)),
                         ContractType.DEVELOPMENT, "1000",
                         date(2025, 3, 1), [(date(2025, 3, 2), "600")])
    contracts.reverse_payment(contract.project.pm, contract.instalments[0].payments[0],
                              date(2026, 1, 5), "Entered twice")
    _commit()
    assert measures.values(Measure.CONTRACTS_RECEIVED, 2025, {institute.id}) == {
        institute.id: D("600.00")}
    assert measures.values(Measure.CONTRACTS_RECEIVED, 2026, {institute.id}) == {
        institute.id: D("-600.00")}


def test_companies_incubated_financing_raised_and_money_converted():
    institute, other = make_institute(), make_institute()
    inside = make_project(institute=institute, phase=Phase.SPIN_OFF)
    early = make_project(institute=institute, phase=Phase.SPIN_OFF)
    company = make_company(inside, registered_on=date(2025, 1, 1))
    before = make_company(early, registered_on=date(2024, 12, 31))
    make_company(make_project(institute=institute, phase=Phase.SPIN_OFF), registered=False)
    make_company(make_project(institute=other, phase=Phase.SPIN_OFF),
                 registered_on=date(2025, 5, 1))
    incorporate(company, on=date(2025, 1, 1))
    incorporate(before, on=date(2024, 12, 31))
    counted_round = record_round(company, on=date(2025, 12, 31),
                                 investors=(("Suzhou VC", "24000000"),))
    record_round(before, on=date(2026, 1, 1), investors=(("Wuxi VC", "9000000"),))
    record_round(before, on=date(2025, 3, 1), name="Angel", investors=(("Angel", "1000000"),))
    companies = measures.drill_down(Measure.COMPANIES_INCUBATED, YEAR, institute.id)
    assert [(r.what, r.on) for r in companies] == [(company.name, date(2025, 1, 1))]
    assert measures.values(Measure.COMPANIES_INCUBATED, YEAR)[institute.id] == D(1)
    financing = measures.drill_down(Measure.FINANCING_RAISED, YEAR, institute.id)
    assert [(r.on, r.amount) for r in financing] == [(date(2025, 3, 1), D("1000000.00")),
                                                     (date(2025, 12, 31), D("24000000.00"))]
    # Allocation-investment converted at the round of 31 December 2025, and one reversed.
    committee = make_user(Role.INVESTMENT_COMMITTEE)
    # Each conversion row points at a share issue: the round's, and one of incorporation.
    issued = counted_round.investments[0].entry_id
    founding = next(e.id for e in company.entries if e.on_date == date(2025, 1, 1))
    for project, disbursed, reversed_, entry_id in ((inside, "10000000", False, issued),
                                                    (early, "5000000", True, founding)):
        agreement = FundingAgreement(
            project_id=project.id, committed=D(disbursed), discount_pct=D("0"),
            qualifying_round_min=D("1"), conversion_deadline=date(2027, 1, 1),
            signed_on=date(2024, 6, 1), decided_by_id=committee.id)
        db.session.add(agreement)
        db.session.flush()
        conversion = Conversion(
            agreement_id=agreement.id, round_id=counted_round.id, disbursed=D(disbursed),
            round_price=counted_round.price_per_share, discount_pct=D("0"),
            conversion_price=counted_round.price_per_share, shares=D("1"),
            entry_id=entry_id, decided_by_id=committee.id)
        db.session.add(conversion)
        db.session.flush()
        if reversed_:
            db.session.add(ConversionReversal(conversion_id=conversion.id,
                                              on_date=date(2026, 2, 1), reason="Wrong round",
                                              recorded_by_id=committee.id))
    _commit()
    converted = measures.drill_down(Measure.CONVERTED, YEAR, institute.id)
    assert [(r.on, r.amount, r.code) for r in converted] == [
        (date(2025, 12, 31), D("10000000.00"), inside.code)]


def test_milestones_on_time_by_the_local_date_of_submission():
    institute = make_institute()
    project = make_project(institute=institute)

    def milestone(title, due, submitted, state=MilestoneState.ACCEPTED):
        db.session.add(Milestone(project_id=project.id, phase=Phase.CONTRACT_RESEARCH,
                                 title=title, due_date=due, submitted_at=submitted,
                                 state=state))
    milestone("last minute", date(2025, 3, 31), datetime(2025, 3, 31, 15, 59, tzinfo=UTC))
    milestone("a minute late", date(2025, 3, 31), datetime(2025, 3, 31, 16, 0, tzinfo=UTC))
    milestone("due last year", date(2024, 12, 31), datetime(2024, 12, 1, tzinfo=UTC))
    milestone("not accepted", date(2025, 5, 1), datetime(2025, 4, 1, tzinfo=UTC),
              MilestoneState.SUBMITTED)
    milestone("on the last day", date(2025, 12, 31), LAST)
    _commit()
    rows = measures.drill_down(Measure.MILESTONES_ON_TIME, YEAR, institute.id)
    assert [r.what for r in rows] == ["last minute", "on the last day"]
    assert measures.values(Measure.MILESTONES_ON_TIME, YEAR) == {institute.id: D(2)}


def test_gates_passed_by_the_local_date_of_decision_and_never_superseded():
    institute = make_institute()
    project = make_project(institute=institute)
    admin = make_user(Role.HQ_ADMIN)
    review = GateReview(project_id=project.id, gate=1, phase=Phase.PROPOSAL_REVIEW,
                        requested_by_id=admin.id, name="Gate 1", pass_threshold=D("60"),
                        quorum=3)
    db.session.add(review)
    db.session.flush()

    def decide(outcome, at, supersedes=None):
        decision = GateDecision(review_id=review.id, project_id=project.id, outcome=outcome,
                                decided_by_id=admin.id, decided_at=at,
                                supersedes_id=supersedes.id if supersedes else None,
                                correction_reason="Outcome mistyped" if supersedes else "")
        db.session.add(decision)
        db.session.flush()
        return decision
    first = decide(Outcome.GO, FIRST)  # 00:00 on 1 January in Shanghai: counts
    decide(Outcome.GO, BEFORE)  # 23:59 on 31 December 2024: last year
    decide(Outcome.CONDITIONAL_GO, AFTER)  # 2026 in Shanghai, still 2025 in UTC: next year
    decide(Outcome.KILL, datetime(2025, 5, 1, tzinfo=UTC))
    corrected = decide(Outcome.GO, datetime(2025, 6, 1, tzinfo=UTC))
    decide(Outcome.HOLD, datetime(2025, 6, 2, tzinfo=UTC), supersedes=corrected)
    last = decide(Outcome.CONDITIONAL_GO, LAST)
    _commit()
    rows = measures.drill_down(Measure.GATES_PASSED, YEAR, institute.id)
    assert [r.on for r in rows] == [date(2025, 1, 1), date(2025, 12, 31)]
    assert {first.decided_at, last.decided_at} == {FIRST, LAST}
    assert measures.values(Measure.GATES_PASSED, 2026, {institute.id}) == {institute.id: D(1)}


def test_needs_matched_dated_by_the_audit_record_of_the_match(clock):
    institute, other = make_institute(), make_institute()
    admin = make_user(Role.HQ_ADMIN)
    early, late, elsewhere, twice = (make_need(institute), make_need(institute),
                                     make_need(other), make_need(institute))

    def matched(need, at):
        clock.set(at)
        audit.record(admin, "need.update", need, {"state": ["analysed", "matched"]})
        _commit()
    matched(early, FIRST)
    matched(late, AFTER)
    matched(elsewhere, datetime(2025, 5, 1, tzinfo=UTC))
    matched(twice, datetime(2025, 5, 1, tzinfo=UTC))
    matched(twice, datetime(2025, 8, 1, tzinfo=UTC))
    clock.set(datetime(2025, 9, 1, tzinfo=UTC))
    audit.record(admin, "need.update", late, {"state": ["matched", "contracted"]})
    _commit()
    rows = measures.drill_down(Measure.NEEDS_MATCHED, YEAR, institute.id)
    assert [(r.what, r.on) for r in rows] == [(early.title, date(2025, 1, 1)),
                                              (twice.title, date(2025, 5, 1))]
    assert measures.values(Measure.NEEDS_MATCHED, YEAR) == {institute.id: D(2), other.id: D(1)}
    assert early.state is NeedState.MATCHED


def test_new_pms_are_first_appointments_in_the_register(app):
    """As in the annual report (tracker/pms/figures.py, FIRST_TERM): a PM's first term, by the
    day HQ recorded it in Shanghai, for the term's institute; a renewal is no new PM."""
    institute, other = make_institute(), make_institute()
    admin = make_user(Role.HQ_ADMIN)
    first = make_pm_record(make_user(), institute, by=admin, name="New", appointed_at=FIRST)
    make_pm_record(make_user(), institute, by=admin, name="Last year", appointed_at=BEFORE)
    renewed = make_pm_record(make_user(), institute, by=admin, name="Renewed",
                             appointed_at=datetime(2022, 3, 1, tzinfo=UTC))
    db.session.add(PmTerm(record_id=renewed.id, institute_id=institute.id,
                          starts_on=date(2025, 3, 1), ends_on=date(2028, 2, 28),
                          renews_id=renewed.terms[0].id, recorded_by_id=admin.id,
                          appointed_at=datetime(2025, 2, 1, tzinfo=UTC)))
    make_pm_record(make_user(), other, by=admin, name="Elsewhere", appointed_at=LAST)
    make_pm_record(make_user(), other, by=admin, name="Next year", appointed_at=AFTER)
    make_pm_record(None, institute, by=admin, name="Candidate")
    _commit()
    rows = measures.drill_down(Measure.NEW_PMS, YEAR, institute.id)
    assert [(r.what, r.on, r.args) for r in rows] == [("New", date(2025, 1, 1),
                                                       {"record_id": first.id})]
    assert measures.values(Measure.NEW_PMS, YEAR) == {institute.id: D(1), other.id: D(1)}
    assert measures.values(Measure.NEW_PMS, 2024) == {institute.id: D(1)}
