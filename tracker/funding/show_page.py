"""The project's funding page, as `tracker.funding.views.show` renders it: what it shows its
reader and which forms it offers them. The outcome's form is offered where the model's
predicate (who) and `tracker.funding.refusals.outcome_refusal` (when) both allow it, and the
refusal's sentence is said in its place while the outcome is still to come (issue 9 point 6,
issue 11 point 2); the template reads no state to decide."""

from __future__ import annotations

from flask import render_template
from sqlalchemy import select

from tracker import db
from tracker.accounts.models import User
from tracker.companies import corrections as company_corrections
from tracker.companies import prerequisites
from tracker.companies import services as companies
from tracker.companies.models import Company
from tracker.dates import today
from tracker.funding import amendments, corrections, queries, refusals, services, voids
from tracker.funding.models import CoFunder, FundingAgreement
from tracker.funding.refusals import outcome_refusal, tranches_full
from tracker.obligations import queries as obligations
from tracker.obligations import services as obligation_services
from tracker.obligations.models import ReportObligation
from tracker.partners import co_funding
from tracker.partners.models import Partner
from tracker.projects.models import Project


def _outcome_offer(user: User, agreement: FundingAgreement | None) -> dict:
    """The outcome's form to the committee where it may be recorded now; to the committee
    again, while the agreement runs, why not yet (its deadline); nothing to anyone else, nor
    once the outcome has come (converted or recorded: the page shows it)."""
    if agreement is None or not FundingAgreement.can_decide(user):
        return {"records_outcome": False, "outcome_refused": None}
    refused = outcome_refusal(agreement)
    return {"records_outcome": refused is None,
            "outcome_refused": refused if agreement.is_open else None}


def _co_funder_offers(user: User, agreement: FundingAgreement | None) -> dict:
    """"Record a payment" in each co-funder's row where it would be recorded, else, to who
    records them, why not (paid in full) in its place."""
    refused = {c.id: co_funding.pay_refusal(c) for c in (agreement.co_funders if agreement
                                                          else [])
               if CoFunder.can_record_payment(user)}
    return {"payable_co_funders": {key for key, said in refused.items() if said is None},
            "co_funders_refused": {key: said for key, said in refused.items() if said}}


def render(project: Project, user: User) -> str:
    """The funding page of `project` for `user`: its agreement standing, the voided ones, the
    company, and the actions offered."""
    agreements = db.session.scalars(select(FundingAgreement).where(
        FundingAgreement.project_id == project.id).options(*queries.funding_page_options())
        .order_by(FundingAgreement.voided_at.is_not(None), FundingAgreement.id)).all()
    agreement = next((a for a in agreements if not a.is_void), None)
    company = companies.company_of(project)
    tranches, corrected = [], {}
    if agreement is not None:
        tranches = [(t, services.not_payable(t)) for t in agreement.tranches]
        corrected = amendments.corrected_of(agreement)
    may_decide = FundingAgreement.can_decide(user)
    return render_template(
        "funding/show.html", project=project, agreement=agreement, tranches=tranches,
        corrected=corrected, company=company, services=services, today=today(),
        converts=may_decide and agreement is not None
        and services.agreement_refusal(agreement) is None
        and agreement.disbursed > 0 and bool(services.qualifying_rounds(agreement)),
        may_decide=may_decide,
        **_co_funder_offers(user, agreement),
        **corrections.reversals_offered(user, agreement), may_see_partners=Partner.can_list(user),
        can_record_agreement=FundingAgreement.can_record(user)
        and refusals.new_agreement_refusal(project) is None,
        not_fundable=refusals.draft_not_funded() if project.is_draft and may_decide else None,
        can_manage_companies=Company.can_manage(user),
        no_company_yet=prerequisites.not_a_spin_off_source(project),
        detachments=company_corrections.detachments_of(project=project),
        obligations=obligations.of(agreement),
        can_add_report=agreement is not None and ReportObligation.can_add(user, agreement)
        and obligation_services.add_refusal(user, agreement) is None,
        correctable_tranches={t.id for t, _reason in tranches
                              if may_decide and amendments.tranche_refusal(t) is None},
        may_correct_outcome=may_decide and agreement is not None
        and amendments.outcome_refusal(agreement) is None,
        may_reverse_conversion=may_decide and agreement is not None
        and agreement.conversion is not None
        and corrections.conversion_refusal(agreement.conversion) is None,
        adds_tranche=may_decide and agreement is not None
        and services.new_tranche_refusal(agreement) is None,
        tranches_full=may_decide and agreement is not None and agreement.is_open
        and not agreement.is_void and tranches_full(agreement),
        voided_agreements=[a for a in agreements if a.is_void],
        **_outcome_offer(user, agreement), **voids.offered(user, agreement))
