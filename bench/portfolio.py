"""What the dashboards and the annual report count, added to the data set of bench/dataset.py at
the sizes of domain.md, with bulk inserts: 500 enterprises, 40 joint innovation centres, 3,000
technology needs, 5,000 research contracts (amounts log-normal around 4 M CNY, two instalments
each, most of them paid), 1,500 companies (a founders' table, 0 to 3 financing rounds, 60 exits),
800 allocation-investment agreements (a tranche and its disbursement each, 200 converted into a
round of their project's company).

Added once: `build` does nothing when the database already holds contracts. The big project of
the project page benchmark gets none of it, so that page is measured as before.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import dataset  # bench/ is on sys.path, as for every script here
from sqlalchemy import func, insert, select

ENTERPRISES = 500
CENTRES = 40
NEEDS = 3_000
CONTRACTS = 5_000
COMPANIES = 1_500
EXITS = 60
AGREEMENTS = 800
CONVERTED = 200


def _money(value: float) -> Decimal:
    return Decimal(f"{value:.2f}")


def build(anchor: date) -> bool:
    """Add the portfolio to the data set; False when it was there already."""
    from tracker import db
    from tracker.accounts.models import User
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
        company_projects,
    )
    from tracker.contracts.models import ContractType, Instalment, Payment, ResearchContract
    from tracker.funding.models import (
        AgreementOutcome,
        ConditionKind,
        Conversion,
        Disbursement,
        FundingAgreement,
        Tranche,
    )
    from tracker.organisations.models import (
        Enterprise,
        Institute,
        JointInnovationCentre,
        NeedState,
        TechnologyNeed,
    )
    from tracker.projects.models import Project

    session = db.session
    if session.scalar(select(func.count(ResearchContract.id))):
        return False
    rng = random.Random(2026)
    now = datetime.now(UTC)
    admin = session.scalar(select(User.id).order_by(User.id))
    projects = session.execute(select(Project.id, Project.year).order_by(Project.id)).all()
    institutes = list(session.scalars(select(Institute.id).order_by(Institute.id)))

    def pairs(query) -> dict:
        return dict(session.execute(query).tuples().all())

    def ids(model) -> list[int]:
        return list(session.scalars(select(model.id).order_by(model.id)))

    session.execute(insert(Enterprise), [
        {"name": f"Enterprise {n}", "uscc": None, "city": "Suzhou", "industry": "Materials",
         "version": 1} for n in range(ENTERPRISES)])
    enterprises = ids(Enterprise)
    session.execute(insert(JointInnovationCentre), [
        {"name": f"Centre {n}", "enterprise_id": enterprises[n], "city": "Suzhou",
         "established_on": date(2016 + n % 10, 1 + n % 12, 1), "version": 1}
        for n in range(CENTRES)])
    centres = ids(JointInnovationCentre)
    states = list(NeedState)
    session.execute(insert(TechnologyNeed), [
        {"title": f"Need {n}", "description": "", "enterprise_id": enterprises[n % ENTERPRISES],
         "centre_id": centres[n % CENTRES] if n % 3 else None,
         "institute_id": institutes[n % len(institutes)] if states[n % 5] in (
             NeedState.MATCHED, NeedState.CONTRACTED) else None,
         "intended_investment": _money(rng.lognormvariate(15, 0.6)) if n % 4 else None,
         "state": states[n % 5], "version": 1,
         "created_at": min(datetime(2016 + n % 11, 1 + n % 12, 1 + n % 28, 3, tzinfo=UTC),
                           now)}
        for n in range(NEEDS)])

    # Contracts on every other project but the big one, signed in the project's year.
    types = list(ContractType)
    contracts = []
    for n in range(CONTRACTS):
        project_id, year = projects[1 + 2 * n % (len(projects) - 1)]
        contracts.append({
            "project_id": project_id, "enterprise_id": enterprises[n % ENTERPRISES],
            "title": f"Contract {n}", "type": types[n % len(types)],
            "amount": _money(rng.lognormvariate(15.2, 0.5)),
            "signed_on": min(date(year, 1 + n % 12, 1 + n % 28), anchor), "created_at": now,
            "version": 1})
    session.execute(insert(ResearchContract), contracts)
    contract_rows = session.execute(select(ResearchContract.id, ResearchContract.amount,
                                           ResearchContract.signed_on)
                                    .order_by(ResearchContract.id)).all()
    session.execute(insert(Instalment), [
        {"contract_id": cid, "due_date": signed + timedelta(days=90 + 180 * part),
         "amount": (amount / 2).quantize(Decimal("0.01"))}
        for cid, amount, signed in contract_rows for part in (0, 1)])
    instalments = session.execute(select(Instalment.id, Instalment.due_date, Instalment.amount)
                                  .order_by(Instalment.id)).all()
    session.execute(insert(Payment), [
        {"instalment_id": iid, "received_on": due, "amount": amount, "recorded_by_id": admin,
         "reason": ""}
        for n, (iid, due, amount) in enumerate(instalments) if due <= anchor and n % 5])

    # Companies of closed projects (not the big one): team and HQ at registration, rounds.
    company_projects_ids = [pid for pid, _year in projects[-COMPANIES:]]
    session.execute(insert(Company), [
        {"name": f"Company {n}", "uscc": f"91320000BENCH{n:05d}" if n % 10 else None,
         "registered_on": date(2017 + n % 8, 1 + n % 12, 1) if n % 10 else None,
         "registered_capital": Decimal("1000000.00"), "legal_representative": "",
         "created_at": now, "version": 1} for n in range(COMPANIES)])
    companies = ids(Company)
    session.execute(insert(company_projects), [
        {"company_id": c, "project_id": p} for c, p in zip(companies, company_projects_ids,
                                                           strict=True)])
    session.execute(insert(Shareholder), [
        {"company_id": c, "name": name, "kind": kind} for c in companies
        for name, kind in (("Team", HolderType.TEAM), ("HQ", HolderType.HQ),
                           ("Fund", HolderType.INVESTOR))])
    holders = {(c, kind): h for h, c, kind in session.execute(
        select(Shareholder.id, Shareholder.company_id, Shareholder.kind))}
    founded = {c: date(2017 + n % 8, 1 + n % 12, 1) for n, c in enumerate(companies)}

    def entry(company, kind, shares, on, acquired=Acquisition.CASH, round_id=None) -> dict:
        return {"company_id": company, "kind": EntryKind.ISSUE, "on_date": on,
                "shares": Decimal(shares), "to_holder_id": holders[(company, kind)],
                "acquired_by": acquired, "round_id": round_id, "recorded_by_id": admin,
                "recorded_at": now, "technology": "", "note": "", "reason": ""}

    session.execute(insert(ShareEntry), [
        entry(c, kind, shares, founded[c], acquired) for c in companies
        for kind, shares, acquired in ((HolderType.TEAM, 700_000, Acquisition.IP),
                                       (HolderType.HQ, 300_000, Acquisition.CASH))])
    rounds = []
    for n, c in enumerate(companies):
        for r in range(n % 4):
            rounds.append({"company_id": c, "name": f"Round {r + 1}",
                           "on_date": min(founded[c] + timedelta(days=200 * (r + 1)), anchor),
                           "pre_money": Decimal(10_000_000 * (r + 1)),
                           "amount": Decimal(2_000_000 * (r + 1)),
                           "shares_before": Decimal(1_000_000 + 200_000 * r),
                           "price_per_share": Decimal(10 * (r + 1)), "recorded_by_id": admin,
                           "recorded_at": now})
    session.execute(insert(FinancingRound), rounds)
    round_rows = session.execute(select(FinancingRound.id, FinancingRound.company_id,
                                        FinancingRound.on_date, FinancingRound.amount,
                                        FinancingRound.price_per_share)
                                 .order_by(FinancingRound.id)).all()
    session.execute(insert(ShareEntry), [
        entry(c, HolderType.INVESTOR, amount / price, on, round_id=rid)
        for rid, c, on, amount, price in round_rows])
    investor_entries = pairs(select(ShareEntry.round_id, ShareEntry.id)
                             .where(ShareEntry.round_id.is_not(None)))
    session.execute(insert(RoundInvestment), [
        {"round_id": rid, "amount": amount, "lead": True, "entry_id": investor_entries[rid]}
        for rid, _c, _on, amount, _price in round_rows])
    session.execute(insert(CompanyExit), [
        {"company_id": c, "kind": ExitKind.ACQUISITION, "on_date": anchor - timedelta(days=30),
         "proceeds": Decimal("20000000.00"), "hq_proceeds": Decimal("3000000.00"),
         "institute_proceeds": Decimal("0.00"), "note": "", "recorded_by_id": admin,
         "recorded_at": now} for c in companies[:EXITS]])

    # Allocation-investment: the projects of the companies with a round convert.
    first_round = {}
    for rid, c, on, _amount, price in round_rows:
        first_round.setdefault(c, (rid, on, price))
    converting = [(c, p) for c, p in zip(companies, company_projects_ids, strict=True)
                  if c in first_round][:CONVERTED]
    funded = [p for _c, p in converting]
    taken = set(funded)
    funded += [pid for pid, _year in projects[1:] if pid not in taken][:AGREEMENTS - CONVERTED]
    session.execute(insert(FundingAgreement), [
        {"project_id": p, "committed": Decimal("2000000.00"), "hq_ratio": Decimal("1"),
         "discount_pct": Decimal("0"), "qualifying_round_min": Decimal("1000000.00"),
         "conversion_deadline": anchor + timedelta(days=365 - n), "signed_on": date(2020, 1, 1),
         "decided_by_id": admin, "decided_at": now,
         "outcome": AgreementOutcome.CONVERTED if n < CONVERTED else None,
         "outcome_on": anchor if n < CONVERTED else None, "outcome_note": "", "version": 1}
        for n, p in enumerate(funded)])
    agreements = pairs(select(FundingAgreement.project_id, FundingAgreement.id))
    session.execute(insert(Tranche), [
        {"agreement_id": agreements[p], "number": 1, "amount": Decimal("1000000.00"),
         "condition": ConditionKind.GATE, "gate": 2} for p in funded])
    tranches = pairs(select(Tranche.agreement_id, Tranche.id))
    session.execute(insert(Disbursement), [
        {"tranche_id": tranches[agreements[p]], "paid_on": date(2021, 1, 1),
         "amount": Decimal("1000000.00"), "reference": "", "recorded_by_id": admin,
         "recorded_at": now, "reason": ""} for p in funded])
    session.execute(insert(ShareEntry), [
        entry(c, HolderType.HQ, Decimal(1_000_000) / first_round[c][2], first_round[c][1],
              Acquisition.CONVERSION, first_round[c][0]) | {"note": "conversion"}
        for c, _p in converting])
    conversion_entries = pairs(select(ShareEntry.company_id, ShareEntry.id)
                               .where(ShareEntry.note == "conversion"))
    session.execute(insert(Conversion), [
        {"agreement_id": agreements[p], "round_id": first_round[c][0],
         "disbursed": Decimal("1000000.00"), "round_price": first_round[c][2],
         "discount_pct": Decimal("0"), "conversion_price": first_round[c][2],
         "shares": Decimal(1_000_000) / first_round[c][2], "entry_id": conversion_entries[c],
         "decided_by_id": admin, "decided_at": now} for c, p in converting])
    session.commit()
    dataset.settle(session.get_bind())
    return True
