"""A small network whose every figure is counted by hand in the tests (tests/reports/).

Today is 2026-11-20. Institute A (directed by `director`, founded 2025-03-01), institute B
(founded 2020-06-01).

| project | institute | type | field | phase | code year | from a need |
| P1 | A | pm_major | Robotics | contract_research | 2026 | N3 |
| P2 | A | contract_research | Robotics | proposal_review | 2026 | - |
| P3 | A | allocation_investment | Materials | spin_off | 2025 | - |
| P4 | B | contract_research | Materials | completed (2025-12-10) | 2025 | - |
| P5 | B | pm_major | Biotech | draft | - | - |
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal as D

from tests.factories import (
    _commit,
    make_centre,
    make_enterprise,
    make_institute,
    make_need,
    make_pm_record,
    make_project,
    make_user,
    uscc_for,
)
from tracker import db
from tracker.accounts.models import Role
from tracker.achievements import deals as ip_deals
from tracker.achievements import services as achievements
from tracker.achievements.services import ContributorLine
from tracker.assessment.models import Allocation, AssessmentYear
from tracker.companies.models import (
    Acquisition,
    Company,
    CompanyExit,
    EntryKind,
    ExitKind,
    FinancingRound,
    HolderType,
    RoundInvestment,
    ShareEntry,
    Shareholder,
)
from tracker.contracts.models import ContractType, Instalment, Payment, ResearchContract
from tracker.funding.models import (
    AgreementOutcome,
    CoFunder,
    ConditionKind,
    Conversion,
    Disbursement,
    FundingAgreement,
    Tranche,
)
from tracker.gates.models import GateReview, ReviewState
from tracker.milestones.models import Milestone, MilestoneState
from tracker.organisations.models import NeedState
from tracker.partners.models import GovernmentLevel, Partner, PartnerKind
from tracker.partners.payment_models import CoFunderPayment
from tracker.pms.models import PmTerm
from tracker.projects.funding import FundingSource, ProgrammeLevel
from tracker.projects.lifecycle import Phase
from tracker.projects.models import PhaseChange, ProjectType

TODAY = date(2026, 11, 20)
_tag = [0]


def _project(pm, institute, type_, field, phase, year, seq, **kw):
    project = make_project(pm=pm, institute=institute, type=type_, field=field,
                           phase=phase, **kw)
    if year is not None:
        seq += 900 + 10 * _tag[0]
        project.year, project.seq, project.code = year, seq, f"TEST-{year}-{seq}"
    _commit()
    return project


def _milestone(project, title, due, state=MilestoneState.PLANNED, review_due=None):
    milestone = Milestone(project_id=project.id, phase=Phase.CONTRACT_RESEARCH, title=title,
                          due_date=due, state=state, review_due=review_due,
                          submitted_at=datetime(2026, 11, 10, tzinfo=UTC) if review_due else None)
    db.session.add(milestone)
    return milestone


def _contract(project, amount, signed, instalments, by):
    """`instalments`: (due, amount, [(received_on, amount)])."""
    contract = ResearchContract(project_id=project.id, enterprise_id=make_enterprise().id,
                                title=f"Contract of {project.code}", type=ContractType.DEVELOPMENT,
                                amount=D(amount), signed_on=signed)
    for due, part, payments in instalments:
        instalment = Instalment(due_date=due, amount=D(part))
        instalment.payments = [Payment(received_on=on, amount=D(paid), recorded_by_id=by.id)
                               for on, paid in payments]
        contract.instalments.append(instalment)
    db.session.add(contract)
    return contract


def _co_funders(a1, a2, by):
    """A1 (HQ 2,000,000, signed 2025-06-01) matched by a city 1 : 0.5 (1,000,000: 300,000 paid
    on 2025-09-01; 200,000 on 2026-03-01, reversed on 2026-04-01) and a district 1 : 0.25
    (500,000: 100,000 paid on 2026-05-01); A2 (HQ 500,000, signed 2025-04-01) by the same
    city 1 : 1 (500,000, paid on 2025-05-01). Committed by co-funders: 2,000,000 in 2025;
    paid 800,000 in 2025 and 100,000 in 2026 (900,000 in all)."""
    city = Partner(name="苏州市", name_en="Suzhou", kind=PartnerKind.GOVERNMENT,
                   level=GovernmentLevel.CITY)
    district = Partner(name="吴中区", kind=PartnerKind.GOVERNMENT, level=GovernmentLevel.DISTRICT)

    def paid(on, amount, reverses=None):
        return CoFunderPayment(paid_on=on, amount=D(amount), recorded_by_id=by.id,
                               reverses=reverses, reason="Paid twice" if reverses else "")

    mistaken = paid(date(2026, 3, 1), "200000")
    a1.co_funders = [
        CoFunder(partner=city, ratio=D("0.5"), payments=[
            paid(date(2025, 9, 1), "300000"), mistaken,
            paid(date(2026, 4, 1), "-200000", reverses=mistaken)]),
        CoFunder(partner=district, ratio=D("0.25"),
                 payments=[paid(date(2026, 5, 1), "100000")])]
    a2.co_funders = [CoFunder(partner=city, ratio=D("1"),
                              payments=[paid(date(2025, 5, 1), "500000")])]
    db.session.flush()


def _agreement(project, committed, signed, outcome, by, disbursements):
    agreement = FundingAgreement(
        project_id=project.id, committed=D(committed), discount_pct=D("0"),
        qualifying_round_min=D("1000000"), conversion_deadline=date(2027, 6, 1),
        signed_on=signed, decided_by_id=by.id, outcome=outcome,
        outcome_on=date(2026, 6, 1) if outcome else None)
    tranche = Tranche(number=1, amount=D(committed), condition=ConditionKind.GATE, gate=2)
    tranche.disbursements = [Disbursement(paid_on=on, amount=D(amount), recorded_by_id=by.id)
                             for on, amount in disbursements]
    agreement.tranches = [tranche]
    db.session.add(agreement)
    db.session.flush()
    return agreement


def _entry(company, holder, shares, on, by, acquired=Acquisition.CASH, round_=None):
    entry = ShareEntry(company_id=company.id, kind=EntryKind.ISSUE, on_date=on, shares=D(shares),
                       to_holder_id=holder.id, acquired_by=acquired, recorded_by_id=by.id,
                       round_id=round_.id if round_ else None)
    db.session.add(entry)
    db.session.flush()
    return entry


def build(tag: int = 0):
    """`tag` > 0 builds the same network again beside the first (for statement counts)."""
    _tag[0] = tag
    admin = make_user(Role.HQ_ADMIN, name="Admin")
    director = make_user(name="Director A")
    a = make_institute(director=director, code=f"A{tag or ''}", name=f"Institute A{tag or ''}",
                       founded_on=date(2025, 3, 1))
    b = make_institute(code=f"B{tag or ''}", name=f"Institute B{tag or ''}",
                       founded_on=date(2020, 6, 1))
    pm1 = make_user(Role.PROJECT_MANAGER, name="PM One", institute_id=a.id)
    pm2 = make_user(Role.PROJECT_MANAGER, name="PM Two", institute_id=b.id)
    # New PMs come from the register (tracker/pms): PM One first appointed at A in 2025 and
    # renewed in 2026 (a renewal is no new PM); PM Two at B at 23:00 on 31 December 2025 in
    # Shanghai (15:00 UTC): 2025.
    first = make_pm_record(pm1, a, by=admin, appointed_at=datetime(2025, 6, 1, 2, tzinfo=UTC),
                           starts_on=date(2025, 6, 1), ends_on=date(2026, 5, 31))
    db.session.add(PmTerm(record_id=first.id, institute_id=a.id, starts_on=date(2026, 6, 1),
                          ends_on=date(2029, 5, 31), renews_id=first.terms[0].id,
                          appointed_at=datetime(2026, 5, 20, 2, tzinfo=UTC),
                          recorded_by_id=admin.id))
    make_pm_record(pm2, b, by=admin, appointed_at=datetime(2025, 12, 31, 15, tzinfo=UTC))

    # Needs (intended investment; recorded at; state).
    n1 = make_need(title="N1", intended_investment=D("1000000"), state=NeedState.COLLECTED)
    n2 = make_need(a, title="N2", intended_investment=D("2000000"), state=NeedState.MATCHED)
    n3 = make_need(a, title="N3", intended_investment=D("3000000"), state=NeedState.CONTRACTED)
    n4 = make_need(b, title="N4", intended_investment=D("500000"), state=NeedState.CLOSED)
    # Recorded at 01:00 on 1 January 2026 in Shanghai: 2025 in UTC, 2026 for the figures.
    n5 = make_need(title="N5", intended_investment=None, state=NeedState.COLLECTED)
    for need, at in ((n1, datetime(2026, 4, 1, 2, tzinfo=UTC)),
                     (n2, datetime(2025, 8, 1, 2, tzinfo=UTC)),
                     (n3, datetime(2026, 2, 1, 2, tzinfo=UTC)),
                     (n4, datetime(2026, 1, 5, 2, tzinfo=UTC)),
                     (n5, datetime(2025, 12, 31, 17, tzinfo=UTC))):
        need.created_at = at
    # Joint innovation centres: established 2025-05-01, 2026-03-01, 2026-09-09; one undated.
    for established in (date(2025, 5, 1), date(2026, 3, 1), date(2026, 9, 9), None):
        make_centre(established_on=established)

    # Funding sources: P1 a national programme, P2 and P4 enterprises, P3 and P5 own funds.
    p1 = _project(pm1, a, ProjectType.PM_MAJOR, "Robotics", Phase.CONTRACT_RESEARCH, 2026, 1,
                  need_id=n3.id, funding_source=FundingSource.GOVERNMENT,
                  programme_level=ProgrammeLevel.NATIONAL, programme_name="National key R&D")
    p2 = _project(pm1, a, ProjectType.CONTRACT_RESEARCH, "Robotics", Phase.PROPOSAL_REVIEW,
                  2026, 2, funding_source=FundingSource.ENTERPRISE,
                  partner_enterprise_id=make_enterprise().id)
    p3 = _project(pm1, a, ProjectType.ALLOCATION_INVESTMENT, "Materials", Phase.SPIN_OFF, 2025, 3)
    # P4 began in 2025 (its contract was signed in June 2025, its licence in October)
    p4 = _project(pm2, b, ProjectType.CONTRACT_RESEARCH, "Materials", Phase.COMPLETED, 2025, 4,
                  start_date=date(2025, 3, 1), funding_source=FundingSource.ENTERPRISE,
                  partner_enterprise_id=make_enterprise().id)
    p5 = _project(pm2, b, ProjectType.PM_MAJOR, "Biotech", None, None, 5)
    db.session.add(PhaseChange(project_id=p4.id, from_phase=Phase.CONTRACT_RESEARCH,
                               to_phase=Phase.COMPLETED,
                               at=datetime(2025, 12, 10, 2, tzinfo=UTC)))

    # Milestones: overdue M1 (P1) and M3 (P3, submitted, its review overdue too); M4 of the
    # completed P4 and M5 of the draft P5 are late but not counted.
    _milestone(p1, "M1", TODAY - timedelta(days=10), MilestoneState.IN_PROGRESS)
    _milestone(p1, "M2", TODAY + timedelta(days=5))
    _milestone(p3, "M3", TODAY - timedelta(days=3), MilestoneState.SUBMITTED,
               review_due=TODAY - timedelta(days=1))
    _milestone(p4, "M4", TODAY - timedelta(days=30))
    _milestone(p5, "M5", TODAY - timedelta(days=5))
    # Gate 1 of P2 requested, due two days ago.
    db.session.add(GateReview(project_id=p2.id, gate=1, phase=Phase.PROPOSAL_REVIEW,
                              state=ReviewState.REQUESTED, requested_by_id=pm1.id,
                              due_date=TODAY - timedelta(days=2), name="Gate 1",
                              pass_threshold=D("60"), quorum=3))

    _contract(p1, "1000000", date(2026, 2, 10), [
        (date(2026, 3, 1), "600000", [(date(2026, 3, 5), "600000")]),
        (date(2026, 12, 1), "400000", [])], admin)
    c3 = _contract(p3, "500000", date(2025, 11, 20), [
        (date(2025, 12, 31), "500000", [(date(2025, 12, 15), "100000"),
                                         (date(2026, 1, 10), "200000")])], admin)
    c4 = _contract(p4, "300000", date(2025, 6, 1), [
        (date(2025, 7, 1), "300000", [(date(2025, 7, 1), "300000")])], admin)
    # Registrations count by the date registered: P3's in 2026 (signed in 2025), P4's on the
    # last day of 2025, for less than its amount; P1's contract is not registered.
    c3.registration_number, c3.registered_on, c3.registered_value = (
        f"20263201{p3.id:08d}", date(2026, 1, 5), D("450000"))
    c4.registration_number, c4.registered_on, c4.registered_value = (
        f"20253205{p4.id:08d}", date(2025, 12, 31), D("250000"))

    a1 = _agreement(p3, "2000000", date(2025, 6, 1), AgreementOutcome.CONVERTED, admin,
                    [(date(2025, 7, 1), "800000"), (date(2026, 2, 1), "200000")])
    a2 = _agreement(p4, "500000", date(2025, 4, 1), AgreementOutcome.GRANT, admin,
                    [(date(2025, 5, 1), "500000")])
    _co_funders(a1, a2, admin)

    # K1 (of P3): HQ 300,000 shares at incorporation, 50,000 bought in round R1 at 10.00 for
    # 500,000, 100,000 from converting 1,000,000 of A1: 450,000 shares, worth 4,500,000 at
    # R1's price, cost 1,500,000 (the founding shares carry none: no multiple).
    k1 = Company(name="K1", uscc=uscc_for(99001 + 10 * tag), registered_on=date(2026, 3, 1))
    k1.projects = [p3]
    team, hq, investor = (Shareholder(name="Team", kind=HolderType.TEAM),
                          Shareholder(name="HQ", kind=HolderType.HQ),
                          Shareholder(name="Fund", kind=HolderType.INVESTOR))
    k1.holders = [team, hq, investor]
    db.session.add(k1)
    db.session.flush()
    _entry(k1, team, "700000", date(2026, 3, 1), admin)
    _entry(k1, hq, "300000", date(2026, 3, 1), admin)
    r1 = FinancingRound(company_id=k1.id, name="A", on_date=date(2026, 6, 1),
                        pre_money=D("10000000"), amount=D("2500000"),
                        shares_before=D("1000000"), price_per_share=D("10"),
                        recorded_by_id=admin.id)
    db.session.add(r1)
    db.session.flush()
    db.session.add(RoundInvestment(round_id=r1.id, amount=D("2000000"), lead=True,
                                   entry_id=_entry(k1, investor, "200000", r1.on_date, admin,
                                                   round_=r1).id))
    db.session.add(RoundInvestment(round_id=r1.id, amount=D("500000"),
                                   entry_id=_entry(k1, hq, "50000", r1.on_date, admin,
                                                   round_=r1).id))
    converted = _entry(k1, hq, "100000", r1.on_date, admin, Acquisition.CONVERSION, r1)
    db.session.add(Conversion(agreement_id=a1.id, round_id=r1.id, disbursed=D("1000000"),
                              round_price=D("10"), discount_pct=D("0"),
                              conversion_price=D("10"), shares=D("100000"),
                              entry_id=converted.id, decided_by_id=admin.id))
    # K2 (of P4): registered 2025-09-01, a round of 1,000,000 in 2025, acquired in 2026.
    k2 = Company(name="K2", uscc=uscc_for(99002 + 10 * tag), registered_on=date(2025, 9, 1))
    k2.projects = [p4]
    hq2 = Shareholder(name="HQ", kind=HolderType.HQ)
    k2.holders = [hq2]
    db.session.add(k2)
    db.session.flush()
    _entry(k2, hq2, "100000", date(2025, 9, 1), admin)
    # HQ put the Angel round's 1,000,000 in (25,000 shares at 40.00): at the exit it realised
    # 2,000,000 on a cost of 1,000,000.
    angel = FinancingRound(company_id=k2.id, name="Angel", on_date=date(2025, 10, 1),
                           pre_money=D("4000000"), amount=D("1000000"),
                           shares_before=D("100000"), price_per_share=D("40"),
                           recorded_by_id=admin.id)
    db.session.add(angel)
    db.session.flush()
    db.session.add(RoundInvestment(round_id=angel.id, amount=D("1000000"), lead=True,
                                   entry_id=_entry(k2, hq2, "25000", angel.on_date, admin,
                                                   round_=angel).id))
    db.session.add(CompanyExit(company_id=k2.id, kind=ExitKind.ACQUISITION,
                               on_date=date(2026, 5, 1), proceeds=D("8000000"),
                               hq_proceeds=D("2000000"), institute_proceeds=D("0"),
                               recorded_by_id=admin.id))
    # HQ's funding of the institutes: 2025's allocation approved (A 600,000, B 400,000); 2026's
    # pool set but not approved, so not yet funding. Years are unique: the first network only.
    if not tag:
        db.session.add(AssessmentYear(
            year=2025, pool=D("1000000"), approved_by_id=admin.id,
            approved_at=datetime(2026, 1, 20, 2, tzinfo=UTC), allocations=[
                Allocation(institute_id=a.id, score=D("80"), revenue=D("500000"),
                           amount=D("600000")),
                Allocation(institute_id=b.id, score=D("60"), revenue=D("300000"),
                           amount=D("400000"))]))
        db.session.add(AssessmentYear(year=2026, pool=D("2000000")))
    _achievements(admin, p1, p4)
    _commit()
    return {"admin": admin, "director": director, "a": a, "b": b, "pm1": pm1, "pm2": pm2,
            "observer": make_user(Role.OBSERVER), "p": [p1, p2, p3, p4, p5]}


def _achievements(admin, p1, p4) -> None:
    """The register: X1 of P1 (A) with a patent filed in 2025 and granted in 2026, another
    filed in 2026 and a software copyright (no patent); X2 of P4 (B) with a patent filed in
    2026. X1 licensed twice in 2026 (upfront 100,000 and 0: one achievement transferred), its
    100,000 received less 10,000 of costs, 50 % to the contributors (45,000); X2 licensed in
    2025 (upfront 50,000), received in full, 60 % to the contributors (30,000)."""
    x1 = achievements.save_achievement(admin, p1, None, title="X1", description="",
                                       contributors=[ContributorLine(p1.pm_id, "", D("100"))])
    x2 = achievements.save_achievement(admin, p4, None, title="X2", description="",
                                       contributors=[ContributorLine(None, "Li", D("100"))])
    for x, filed, granted, kind in ((x1, date(2025, 5, 1), date(2026, 4, 1), "patent"),
                                    (x1, date(2026, 2, 1), None, "patent"),
                                    (x1, date(2026, 2, 1), date(2026, 3, 1), "software"),
                                    (x2, date(2026, 3, 1), None, "patent")):
        achievements.save_right(admin, x, None, kind=kind,
                                patent_type="invention" if kind == "patent" else None,
                                title="R", number=f"N{x.id}-{filed}{kind}", jurisdiction="CN",
                                status="granted" if granted else "filed", filed_on=filed,
                                granted_on=granted, attorney_costs=None)
    enterprise = p1.partner_enterprise_id or p4.partner_enterprise_id
    terms = dict(enterprise_id=enterprise, kind="non_exclusive_licence", ends_on=None,
                 royalty_pct=None, royalty_base=None, minimum_royalty=None, reporting_months=0,
                 report_days=None, payment_days=None, override_reason="", ip_deal_id=None)
    t1 = ip_deals.save_transfer(admin, x1, None, signed_on=date(2026, 2, 1),
                                upfront=D("100000"), contributor_pct=D("50"), **terms)
    ip_deals.save_transfer(admin, x1, None, signed_on=date(2026, 6, 1), upfront=D("0"),
                           contributor_pct=D("50"), **terms)
    t2 = ip_deals.save_transfer(admin, x2, None, signed_on=date(2025, 10, 1),
                                upfront=D("50000"), contributor_pct=D("60"), **terms)
    ip_deals.record_income(admin, t1, received_on=date(2026, 3, 1), amount=D("100000"),
                           costs=D("10000"), pays="upfront", report_id=None)
    ip_deals.record_income(admin, t2, received_on=date(2025, 11, 1), amount=D("50000"),
                           costs=None, pays="upfront", report_id=None)
