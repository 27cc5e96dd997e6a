"""The records whose history belongs to another's: a funding agreement's tranches,
disbursements and conversion; a company's share entries, rounds, IP deals and exits, their
reversals, and the conversions at its rounds; a transfer's or licence's royalty reports, their
reversals, and its receipts of income (reversing ones included); a patent's annuities and
their payments reversed; a gate review's scores corrected. The history page of the
parent ("all changes") shows theirs with its own, each line naming its record.
"""

from __future__ import annotations

from sqlalchemy import Select, select

from tracker.achievements.deal_models import IncomeReceipt, RoyaltyReport, RoyaltyReportReversal
from tracker.achievements.models import Annuity, AnnuityPaymentReversal
from tracker.centres.models import CentreAgreement, CentrePayment
from tracker.companies.ip_models import IpDeal
from tracker.companies.models import CompanyExit, FinancingRound, ShareEntry
from tracker.companies.reversal_models import ExitReversal, RoundReversal
from tracker.funding.models import Conversion, Disbursement, Tranche
from tracker.gates.models import PanelMember
from tracker.milestones.models import ProgressUpdate
from tracker.pms.models import PmInterview
from tracker.projects.history_models import TrlRecord


def _agreement(agreement_id: int) -> list[tuple[str, Select]]:
    return [
        ("tranches", select(Tranche.id).where(Tranche.agreement_id == agreement_id)),
        ("disbursements", select(Disbursement.id).join(Tranche)
         .where(Tranche.agreement_id == agreement_id)),
        ("conversions", select(Conversion.id).where(Conversion.agreement_id == agreement_id)),
    ]


def _company(company_id: int) -> list[tuple[str, Select]]:
    rounds = select(FinancingRound.id).where(FinancingRound.company_id == company_id)
    exits = select(CompanyExit.id).where(CompanyExit.company_id == company_id)
    return [
        ("share_entries", select(ShareEntry.id).where(ShareEntry.company_id == company_id)),
        ("financing_rounds", rounds),
        ("round_reversals", select(RoundReversal.id).where(RoundReversal.round_id.in_(rounds))),
        ("company_exits", exits),
        ("exit_reversals", select(ExitReversal.id).where(ExitReversal.exit_id.in_(exits))),
        ("ip_deals", select(IpDeal.id).where(IpDeal.company_id == company_id)),
        ("conversions", select(Conversion.id).where(Conversion.round_id.in_(rounds))),
    ]


def _centre(centre_id: int) -> list[tuple[str, Select]]:
    terms = select(CentreAgreement.id).where(CentreAgreement.centre_id == centre_id)
    return [
        ("centre_agreements", terms),
        ("centre_payments", select(CentrePayment.id).where(CentrePayment.agreement_id.in_(terms))),
    ]


def _transfer(transfer_id: int) -> list[tuple[str, Select]]:
    reports = select(RoyaltyReport.id).where(RoyaltyReport.transfer_id == transfer_id)
    return [
        ("royalty_reports", reports),
        ("royalty_report_reversals", select(RoyaltyReportReversal.id)
         .where(RoyaltyReportReversal.report_id.in_(reports))),
        ("ip_income", select(IncomeReceipt.id).where(IncomeReceipt.transfer_id == transfer_id)),
    ]


def _right(right_id: int) -> list[tuple[str, Select]]:
    annuities = select(Annuity.id).where(Annuity.right_id == right_id)
    return [
        ("patent_annuities", annuities),
        ("annuity_payment_reversals", select(AnnuityPaymentReversal.id)
         .where(AnnuityPaymentReversal.annuity_id.in_(annuities))),
    ]


def _project(project_id: int) -> list[tuple[str, Select]]:
    return [("trl_records", select(TrlRecord.id).where(TrlRecord.project_id == project_id))]


def _milestone(milestone_id: int) -> list[tuple[str, Select]]:
    return [("progress_updates", select(ProgressUpdate.id)
             .where(ProgressUpdate.milestone_id == milestone_id))]


def _review(review_id: int) -> list[tuple[str, Select] | tuple[str, Select, tuple[str, ...]]]:
    """An evaluator's scores corrected (who, when, why; the figures for those who may read
    them, `tracker.gates.score_history`); not their declarations corrected, whose reasons
    are read as the conflict note is (`PanelMember.can_view_history`)."""
    return [("panel_members", select(PanelMember.id).where(PanelMember.review_id == review_id),
             ("gate.correct_scores",))]


def _pm_record(record_id: int) -> list[tuple[str, Select]]:
    return [("pm_interviews", select(PmInterview.id).where(PmInterview.record_id == record_id))]


FAMILIES = {"ip_rights": _right,"funding_agreements": _agreement, "companies": _company,
            "projects": _project, "milestones": _milestone, "pm_records": _pm_record,
            "joint_innovation_centres": _centre, "ip_transfers": _transfer,
            "gate_reviews": _review}


def members(object_type: str, object_id: int
            ) -> list[tuple[str, Select] | tuple[str, Select, tuple[str, ...]]]:
    """(object type, select of ids[, the only actions of theirs that belong]) of each kind of
    record whose history is the object's."""
    family = FAMILIES.get(object_type)
    return family(object_id) if family else []
