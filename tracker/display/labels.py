"""The translated name of any enum value, for templates, forms and messages.

Each domain keeps its labels beside its enum (``ROLE_LABELS`` under ``Role`` ...); this module
only gathers them, so `label(value)` knows every enum of the tracker.
"""

from __future__ import annotations

from enum import Enum

from flask_babel import gettext as _
from flask_babel import ngettext

from tracker.accounts.models import PROVIDER_LABELS, ROLE_LABELS, Provider, Role
from tracker.achievements.deal_models import (
    DEAL_STATUS_LABELS,
    RECEIPT_FOR_LABELS,
    ROYALTY_BASE_LABELS,
    TRANSFER_KIND_LABELS,
    DealStatus,
    ReceiptFor,
    RoyaltyBase,
    TransferKind,
)
from tracker.achievements.models import (
    JURISDICTION_LABELS,
    PATENT_TYPE_LABELS,
    RIGHT_KIND_LABELS,
    RIGHT_STATUS_LABELS,
    Jurisdiction,
    PatentType,
    RightKind,
    RightStatus,
)
from tracker.apitokens.models import TOKEN_SCOPE_LABELS, TokenScope
from tracker.approvals.models import (
    APPLIES_TO_LABELS,
    REQUEST_STATE_LABELS,
    SUBJECT_LABELS,
    VERDICT_LABELS,
    AppliesTo,
    RequestState,
    Subject,
    Verdict,
)
from tracker.assessment.models import (
    EVIDENCE_STATE_LABELS,
    MEASURE_LABELS,
    EvidenceState,
    Measure,
)
from tracker.budgets.models import (
    COST_KIND_LABELS,
    INDIRECT_RULE_LABELS,
    CostKind,
    IndirectRule,
)
from tracker.centres.status import STATUS_LABELS as CENTRE_STATUS_LABELS
from tracker.centres.status import CentreStatus
from tracker.changes.models import CHANGE_KIND_LABELS, CHANGE_STATE_LABELS, ChangeKind, ChangeState
from tracker.companies.holder_models import HOLDER_TYPE_LABELS, HolderType
from tracker.companies.ip_models import IP_DEAL_KIND_LABELS, IpDealKind
from tracker.companies.models import (
    ACQUISITION_LABELS,
    COMPANY_STATUS_LABELS,
    ENTRY_KIND_LABELS,
    EXIT_KIND_LABELS,
    Acquisition,
    CompanyStatus,
    EntryKind,
    ExitKind,
)
from tracker.contracts.models import CONTRACT_TYPE_LABELS, ContractType
from tracker.display import said
from tracker.display.catalogue import locale_name
from tracker.documents.models import DOCUMENT_KIND_LABELS, DocumentKind
from tracker.experts.models import EXPERT_TITLE_LABELS, ExpertTitle
from tracker.funding.models import (
    AGREEMENT_OUTCOME_LABELS,
    CONDITION_KIND_LABELS,
    AgreementOutcome,
    ConditionKind,
)
from tracker.gates.condition_models import CONDITION_STATE_LABELS, ConditionState
from tracker.gates.correction_models import CORRECTION_KIND_LABELS, CorrectionKind
from tracker.gates.models import (
    CONCLUSION_LABELS,
    CRITERION_KIND_LABELS,
    DECLARATION_LABELS,
    OUTCOME_LABELS,
    RECOMMENDATION_LABELS,
    REVIEW_STATE_LABELS,
    Conclusion,
    CriterionKind,
    Declaration,
    Outcome,
    Recommendation,
    ReviewState,
)
from tracker.imports.models import IMPORT_STATE_LABELS, ImportState
from tracker.incentives.models import (
    GRANT_KIND_LABELS,
    GRANT_STATE_LABELS,
    GrantKind,
    GrantState,
)
from tracker.milestones.models import (
    MILESTONE_STATE_LABELS,
    REBASELINE_STATE_LABELS,
    MilestoneState,
    RebaselineState,
)
from tracker.milestones.states import ACTION_LABELS, Action
from tracker.obligations.models import (
    OBLIGATION_STATE_LABELS,
    REPORT_KIND_LABELS,
    ObligationState,
    ReportKind,
)
from tracker.organisations.models import (
    ENTERPRISE_SIZE_LABELS,
    INSTITUTE_TYPE_LABELS,
    NEED_STATE_LABELS,
    NEED_URGENCY_LABELS,
    EnterpriseSize,
    InstituteType,
    NeedState,
    NeedUrgency,
)
from tracker.partners.agreement_models import AGREEMENT_KIND_LABELS, AgreementKind
from tracker.partners.models import (
    GOVERNMENT_LEVEL_LABELS,
    PARTNER_KIND_LABELS,
    GovernmentLevel,
    PartnerKind,
)
from tracker.phones.models import PURPOSE_LABELS, Purpose
from tracker.pms.models import (
    INTERVIEW_OUTCOME_LABELS,
    ORIGIN_LABELS,
    InterviewOutcome,
    Origin,
)
from tracker.pms.register import PM_STATE_LABELS, PM_STEP_LABELS, PmState, PmStep
from tracker.projects.funding import (
    FUNDING_SOURCE_LABELS,
    PROGRAMME_LEVEL_LABELS,
    FundingSource,
    ProgrammeLevel,
)
from tracker.projects.models import PHASE_LABELS, PROJECT_TYPE_LABELS, Phase, ProjectType
from tracker.reminders.models import (
    AUDIENCE_LABELS,
    CHANNEL_LABELS,
    MESSAGE_KIND_LABELS,
    MESSAGE_STATE_LABELS,
    Audience,
    Channel,
    MessageKind,
    MessageState,
    OutboxMessage,
)

LABELS: dict[type[Enum], dict] = {
    AppliesTo: APPLIES_TO_LABELS,
    RequestState: REQUEST_STATE_LABELS,
    Subject: SUBJECT_LABELS,
    Verdict: VERDICT_LABELS,
    Measure: MEASURE_LABELS,
    EvidenceState: EVIDENCE_STATE_LABELS,
    Role: ROLE_LABELS,
    InstituteType: INSTITUTE_TYPE_LABELS,
    EnterpriseSize: ENTERPRISE_SIZE_LABELS,
    NeedState: NEED_STATE_LABELS,
    PmState: PM_STATE_LABELS,
    PmStep: PM_STEP_LABELS,
    Origin: ORIGIN_LABELS,
    InterviewOutcome: INTERVIEW_OUTCOME_LABELS,
    CentreStatus: CENTRE_STATUS_LABELS,
    ReportKind: REPORT_KIND_LABELS,
    ObligationState: OBLIGATION_STATE_LABELS,
    NeedUrgency: NEED_URGENCY_LABELS,
    PartnerKind: PARTNER_KIND_LABELS,
    GovernmentLevel: GOVERNMENT_LEVEL_LABELS,
    AgreementKind: AGREEMENT_KIND_LABELS,
    Phase: PHASE_LABELS,
    ProjectType: PROJECT_TYPE_LABELS,
    FundingSource: FUNDING_SOURCE_LABELS,
    ProgrammeLevel: PROGRAMME_LEVEL_LABELS,
    CostKind: COST_KIND_LABELS,
    IndirectRule: INDIRECT_RULE_LABELS,
    CriterionKind: CRITERION_KIND_LABELS,
    ReviewState: REVIEW_STATE_LABELS,
    Declaration: DECLARATION_LABELS,
    CorrectionKind: CORRECTION_KIND_LABELS,
    Recommendation: RECOMMENDATION_LABELS,
    Outcome: OUTCOME_LABELS,
    Conclusion: CONCLUSION_LABELS,
    ExpertTitle: EXPERT_TITLE_LABELS,
    GrantKind: GRANT_KIND_LABELS,
    GrantState: GRANT_STATE_LABELS,
    ConditionState: CONDITION_STATE_LABELS,
    MilestoneState: MILESTONE_STATE_LABELS,
    RebaselineState: REBASELINE_STATE_LABELS,
    Action: ACTION_LABELS,
    ContractType: CONTRACT_TYPE_LABELS,
    AgreementOutcome: AGREEMENT_OUTCOME_LABELS,
    ConditionKind: CONDITION_KIND_LABELS,
    HolderType: HOLDER_TYPE_LABELS,
    Acquisition: ACQUISITION_LABELS,
    EntryKind: ENTRY_KIND_LABELS,
    CompanyStatus: COMPANY_STATUS_LABELS,
    ExitKind: EXIT_KIND_LABELS,
    IpDealKind: IP_DEAL_KIND_LABELS,
    MessageState: MESSAGE_STATE_LABELS,
    Audience: AUDIENCE_LABELS,
    Channel: CHANNEL_LABELS,
    MessageKind: MESSAGE_KIND_LABELS,
    ImportState: IMPORT_STATE_LABELS,
    ChangeKind: CHANGE_KIND_LABELS,
    ChangeState: CHANGE_STATE_LABELS,
    TokenScope: TOKEN_SCOPE_LABELS,
    Provider: PROVIDER_LABELS,
    Purpose: PURPOSE_LABELS,
    DocumentKind: DOCUMENT_KIND_LABELS,
    RightKind: RIGHT_KIND_LABELS,
    PatentType: PATENT_TYPE_LABELS,
    RightStatus: RIGHT_STATUS_LABELS,
    Jurisdiction: JURISDICTION_LABELS,
    TransferKind: TRANSFER_KIND_LABELS,
    RoyaltyBase: ROYALTY_BASE_LABELS,
    ReceiptFor: RECEIPT_FOR_LABELS,
    DealStatus: DEAL_STATUS_LABELS,
}

LOCALE_NAMES = {"zh_CN": "简体中文", "en": "English"}


def locale_choices() -> list[tuple[str, str]]:
    return list(LOCALE_NAMES.items())


# Each label in each language, translated once per process: a page shows hundreds (every
# row's phase and state), and gettext finds the catalogue and the locale again on every call.
# Keyed by the enum too: members of two string enums with the same value are equal.
_translated: dict[tuple[str, type, Enum], str] = {}


def label(value) -> str:
    """The translated label of an enum value (a Jinja filter)."""
    table = LABELS.get(type(value))
    if table is None or value not in table:
        return str(value)
    if said.is_recording():
        return str(table[value])  # the label's message, to be said again in another language
    key = (locale_name(), type(value), value)
    text = _translated.get(key)
    if text is None:
        text = _translated[key] = str(table[value])
    return text


def days_after(num: int, business_days: bool, since=None) -> str:
    """A rung `num` days after what its rule counts from: "7 days after the deadline", or,
    for a rule counting from something else (`Rule.since`), "10 days after it reached the
    level", "5 business days after submission"."""
    if since is None:
        return ngettext("%(num)d day after the deadline", "%(num)d days after the deadline",
                        num)
    count = (ngettext("%(num)d business day", "%(num)d business days", num) if business_days
             else ngettext("%(num)d day", "%(num)d days", num))
    return _("%(count)s after %(since)s", count=count, since=since)


def rung(message: OutboxMessage, escalation: bool, since=None) -> str:
    """Which rung of its ladder a reminder is: "14 days before the deadline", "Escalation to
    the institute director: 7 days after the deadline"; `since`, the rule's, when its rungs
    after count from something else than a deadline (a Jinja filter)."""
    offset = message.offset
    if offset < 0:
        when = ngettext("%(num)d day before the deadline", "%(num)d days before the deadline",
                        -offset)
    elif offset == 0:
        when = _("on the day of the deadline")
    else:
        when = days_after(offset, message.in_business_days, since)
    if not escalation:
        return when
    return _("%(audience)s: %(when)s", audience=label(message.audience), when=when)
