"""Translated names of enum values, in one place for templates and forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from tracker.accounts.models import Role
from tracker.organisations.models import InstituteType, NeedState

ROLE_LABELS = {
    Role.PROJECT_MANAGER: _l("Project manager"),
    Role.EVALUATOR: _l("HQ evaluator"),
    Role.INVESTMENT_COMMITTEE: _l("Investment committee"),
    Role.HQ_ADMIN: _l("HQ admin"),
    Role.OBSERVER: _l("Observer"),
    Role.INSTITUTE_DIRECTOR: _l("Institute director"),
}

INSTITUTE_TYPE_LABELS = {
    InstituteType.INDEPENDENT: _l("Independent legal entity"),
    InstituteType.JOINT: _l("Jointly built"),
    InstituteType.AFFILIATED: _l("Affiliated"),
}

NEED_STATE_LABELS = {
    NeedState.COLLECTED: _l("Collected"),
    NeedState.ANALYSED: _l("Analysed"),
    NeedState.MATCHED: _l("Matched"),
    NeedState.CONTRACTED: _l("Contracted"),
    NeedState.CLOSED: _l("Closed"),
}

LOCALE_NAMES = {"zh_CN": "简体中文", "en": "English"}


def LOCALE_CHOICES() -> list[tuple[str, str]]:  # noqa: N802 (reads like the constant it nearly is)
    return list(LOCALE_NAMES.items())


def role_label(role: Role) -> str:
    return ROLE_LABELS[role]


# Each enum's labels, by the enum class: other domains add theirs with `register`.
LABELS: dict[type, dict] = {
    Role: ROLE_LABELS,
    InstituteType: INSTITUTE_TYPE_LABELS,
    NeedState: NEED_STATE_LABELS,
}


def register(enum_cls: type, labels: dict) -> None:
    missing = [m for m in enum_cls if m not in labels]
    if missing:
        raise ValueError(f"labels missing for {missing}")
    LABELS[enum_cls] = labels


def label(value) -> str:
    """The translated label of an enum value (a Jinja filter)."""
    table = LABELS.get(type(value))
    if table is None or value not in table:
        return str(value)
    return str(table[value])


def _register_project_labels() -> None:
    # Imported here: the label tables of every domain are assembled in this one module.
    from tracker.gates.models import (
        ConditionState,
        CriterionKind,
        Declaration,
        Outcome,
        Recommendation,
        ReviewState,
    )
    from tracker.projects.lifecycle import Phase
    from tracker.projects.models import ProjectType

    register(Phase, {
        Phase.DRAFT: _l("Draft"),
        Phase.PROPOSAL_REVIEW: _l("Proposal review"),
        Phase.CONTRACT_RESEARCH: _l("Contract research"),
        Phase.INVESTMENT_DECISION: _l("Investment decision"),
        Phase.SPIN_OFF: _l("Spin-off"),
        Phase.SPUN_OFF: _l("Spun off"),
        Phase.ON_HOLD: _l("On hold"),
        Phase.COMPLETED: _l("Completed"),
        Phase.TERMINATED: _l("Terminated"),
        Phase.REJECTED: _l("Rejected"),
    })
    register(ProjectType, {
        ProjectType.CONTRACT_RESEARCH: _l("Contract research"),
        ProjectType.PM_MAJOR: _l("PM major project"),
        ProjectType.ALLOCATION_INVESTMENT: _l("Allocation-investment"),
        ProjectType.INTERNAL: _l("Internal"),
    })
    outcomes = {
        "go": _l("GO"), "conditional_go": _l("CONDITIONAL GO"), "hold": _l("HOLD"),
        "recycle": _l("RECYCLE"), "kill": _l("KILL"),
    }
    register(Outcome, {o: outcomes[o.value] for o in Outcome})
    register(Recommendation, {r: outcomes[r.value] for r in Recommendation})
    register(ReviewState, {
        ReviewState.REQUESTED: _l("Requested: panel to be named"),
        ReviewState.OPEN: _l("Under review"),
        ReviewState.DECIDED: _l("Decided"),
        ReviewState.WITHDRAWN: _l("Withdrawn"),
    })
    register(Declaration, {Declaration.NONE: _l("No conflict"),
                           Declaration.CONFLICT: _l("Conflict declared")})
    register(CriterionKind, {CriterionKind.MUST: _l("Must meet"),
                             CriterionKind.SHOULD: _l("Should meet")})
    register(ConditionState, {ConditionState.OPEN: _l("Open"),
                              ConditionState.MET: _l("Met: awaiting confirmation"),
                              ConditionState.CONFIRMED: _l("Cleared"),
                              ConditionState.SUPERSEDED: _l("Superseded by a correction")})


_register_project_labels()


def _register_milestone_and_contract_labels() -> None:
    from tracker.contracts.models import ContractType
    from tracker.milestones.models import MilestoneState, RebaselineState
    from tracker.milestones.states import Action

    register(MilestoneState, {
        MilestoneState.PLANNED: _l("Planned"),
        MilestoneState.IN_PROGRESS: _l("In progress"),
        MilestoneState.SUBMITTED: _l("Submitted"),
        MilestoneState.ACCEPTED: _l("Accepted"),
        MilestoneState.WAIVED: _l("Waived"),
    })
    register(Action, {
        Action.UPDATE: _l("updated"), Action.SUBMIT: _l("submitted"),
        Action.ACCEPT: _l("accepted"), Action.RETURN: _l("returned for rework"),
        Action.WAIVE: _l("waived"),
    })
    register(RebaselineState, {
        RebaselineState.APPROVED: _l("Approved"), RebaselineState.PENDING: _l("Awaiting HQ"),
        RebaselineState.REJECTED: _l("Not approved"),
    })
    register(ContractType, {
        ContractType.DEVELOPMENT: _l("Technology development"),
        ContractType.TRANSFER: _l("Technology transfer"),
        ContractType.LICENCE: _l("Technology licence"),
        ContractType.SERVICE: _l("Technical service"),
        ContractType.CONSULTING: _l("Technical consulting"),
    })


_register_milestone_and_contract_labels()


def _register_funding_and_company_labels() -> None:
    from tracker.companies.models import (
        Acquisition,
        CompanyStatus,
        EntryKind,
        ExitKind,
        HolderType,
        IpDealKind,
    )
    from tracker.funding.models import AgreementOutcome, ConditionKind

    register(AgreementOutcome, {
        AgreementOutcome.CONVERTED: _l("Converted to equity"),
        AgreementOutcome.GRANT: _l("Closed as a grant"),
        AgreementOutcome.REPAID: _l("Repaid"),
        AgreementOutcome.SUBSTITUTED: _l("Substituted by another project"),
    })
    register(ConditionKind, {ConditionKind.MILESTONE: _l("Milestone accepted"),
                             ConditionKind.GATE: _l("Gate passed")})
    register(HolderType, {
        HolderType.TEAM: _l("R&D team"), HolderType.HQ: _l("HQ"),
        HolderType.INSTITUTE: _l("Institute"), HolderType.PARK: _l("Park"),
        HolderType.STATE_FUND: _l("State-owned fund"),
        HolderType.INVESTOR: _l("External investor"),
        HolderType.INCENTIVE_POOL: _l("Incentive pool"),
    })
    register(Acquisition, {Acquisition.CASH: _l("Cash"), Acquisition.IP: _l("IP"),
                           Acquisition.CONVERSION: _l("Conversion")})
    register(EntryKind, {EntryKind.ISSUE: _l("Issued"), EntryKind.TRANSFER: _l("Transferred")})
    register(CompanyStatus, {
        CompanyStatus.PREPARING: _l("Being incorporated"),
        CompanyStatus.REGISTERED: _l("Registered"),
        CompanyStatus.ACQUIRED: _l("Acquired"), CompanyStatus.LISTED: _l("Listed"),
        CompanyStatus.DISSOLVED: _l("Dissolved"),
    })
    register(ExitKind, {ExitKind.ACQUISITION: _l("Acquisition"), ExitKind.LISTING: _l("Listing"),
                        ExitKind.DISSOLUTION: _l("Dissolution")})
    register(IpDealKind, {IpDealKind.LICENCE: _l("Licence"),
                          IpDealKind.ASSIGNMENT: _l("Assignment")})


_register_funding_and_company_labels()
