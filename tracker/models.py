"""Imports every model so the metadata (and so Alembic) knows every table."""

import tracker.dates  # noqa: F401  (the session's check of every date column)
from tracker.accounts.models import RoleGrant, User  # noqa: F401
from tracker.achievements.deal_models import (  # noqa: F401
    IncomeReceipt,
    IncomeShare,
    RoyaltyReport,
    RoyaltyReportReversal,
    Transfer,
)
from tracker.achievements.models import (  # noqa: F401
    Achievement,
    Annuity,
    Contributor,
    IpRight,
)
from tracker.apitokens.models import AccessToken  # noqa: F401
from tracker.approvals.models import (  # noqa: F401
    ApprovalDelegation,
    ApprovalLevel,
    ApprovalRequest,
    ApprovalStep,
)
from tracker.assessment.models import (  # noqa: F401
    Allocation,
    AssessmentYear,
    EvidenceEntry,
    Indicator,
)
from tracker.audit.models import AuditRecord  # noqa: F401
from tracker.budgets.models import BudgetCategory, BudgetLine, BudgetTemplate  # noqa: F401
from tracker.centres.models import CentreAgreement, CentrePayment  # noqa: F401
from tracker.changes.models import (  # noqa: F401
    ChangeCorrection,
    ChangeRequest,
    ProjectBaseline,
)
from tracker.companies.detachment_models import CompanyDetachment  # noqa: F401
from tracker.companies.ip_models import IpDeal  # noqa: F401
from tracker.companies.models import (  # noqa: F401
    Company,
    CompanyExit,
    FinancingRound,
    RoundInvestment,
    ShareEntry,
    Shareholder,
)
from tracker.companies.reversal_models import ExitReversal, RoundReversal  # noqa: F401
from tracker.contracts.models import Instalment, Payment, ResearchContract  # noqa: F401
from tracker.documents.models import DocumentTemplate, OfficialDocument  # noqa: F401
from tracker.edits.models import FormToken  # noqa: F401
from tracker.experts.models import Expert  # noqa: F401
from tracker.files.models import StoredFile  # noqa: F401
from tracker.funding.models import (  # noqa: F401
    CoFunder,
    Conversion,
    Disbursement,
    FundingAgreement,
    Tranche,
)
from tracker.gates.condition_models import Condition  # noqa: F401
from tracker.gates.correction_models import PanelCorrection  # noqa: F401
from tracker.gates.models import (  # noqa: F401
    Deliverable,
    GateCriterion,
    GateDecision,
    GateReview,
    GateTemplate,
    PanelMember,
    ReviewCriterion,
    Score,
)
from tracker.imports.models import ImportRun  # noqa: F401
from tracker.incentives.models import IncentiveGrant, OptionExercise  # noqa: F401
from tracker.jobs.models import JobRun  # noqa: F401
from tracker.milestones.models import (  # noqa: F401
    Evidence,
    Milestone,
    MilestoneEvent,
    ProgressUpdate,
    Rebaseline,
    RebaselineCorrection,
)
from tracker.needs.models import NeedCandidate  # noqa: F401
from tracker.notifications.models import ChannelChoice, NotificationSettings  # noqa: F401
from tracker.obligations.models import ReportObligation, ReportSubmission  # noqa: F401
from tracker.organisations.models import (  # noqa: F401
    Enterprise,
    Headquarters,
    Institute,
    JointInnovationCentre,
    TechnologyNeed,
)
from tracker.organisations.recognitions import RecognitionYear  # noqa: F401
from tracker.partners.agreement_models import AgreementDocument, PartnerAgreement  # noqa: F401
from tracker.partners.models import Partner  # noqa: F401
from tracker.partners.payment_models import CoFunderPayment  # noqa: F401
from tracker.phones.models import PhoneCode  # noqa: F401
from tracker.pms.models import PmInterview, PmRecord, PmTeam, PmTerm  # noqa: F401
from tracker.projects.history_models import PmHandover, TrlRecord  # noqa: F401
from tracker.projects.models import (  # noqa: F401
    PhaseChange,
    Project,
    ProjectCodeCounter,
    ProjectMember,
)
from tracker.regions.models import Region  # noqa: F401
from tracker.reminders.models import (  # noqa: F401
    OutboxMessage,
    ReminderOptOut,
    ReminderPreference,
)
from tracker.settings.models import SettingValue  # noqa: F401
from tracker.spending.models import SpendingEntry  # noqa: F401
from tracker.techfields.models import TechnicalField  # noqa: F401
from tracker.workdays.models import CalendarDay  # noqa: F401
