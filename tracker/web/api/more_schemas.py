"""The API's models of contracts, funding, companies, organisations, needs, gate reviews and the
outbox (`schemas` has the projects and milestones)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, Field, computed_field

from tracker.companies.models import HolderType
from tracker.contracts.models import ContractType
from tracker.funding.models import AgreementOutcome
from tracker.gates.models import Declaration, Outcome, Recommendation, ReviewState
from tracker.organisations.models import InstituteType, NeedState
from tracker.projects.funding import FundingSource
from tracker.projects.lifecycle import Phase
from tracker.projects.models import ProjectType
from tracker.reminders.models import Audience, MessageState
from tracker.web.api.schemas import Named, Out, Query, Text

Ref = Annotated[int, Field(ge=0, le=2**31 - 1)]
Year = Annotated[int, Field(ge=0, le=2100)]


class PortfolioQuery(Query):
    """The dashboard's filters, as the lists it links to take them."""

    institute: Ref = 0
    field: Text = ""
    year: Year = 0
    type: ProjectType | Literal[""] = ""
    source: FundingSource | Literal[""] = ""


# --- voided records -----------------------------------------------------------------------------


class Voided(BaseModel):
    """When and why a record recorded entirely by mistake was voided (or withdrawn): it stays
    readable, and counts in no figure."""

    at: datetime
    reason: str


class MayBeVoided(Out):
    """A record that can be voided (a contract, an agreement, a tranche): `voided` is null
    while it stands, else when and why; the same key and shape on every such record, in a
    list or inside another record."""

    voided_at: datetime | None = Field(None, exclude=True)
    void_reason: str | None = Field(None, exclude=True)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def voided(self) -> Voided | None:
        if self.voided_at is None:
            return None
        return Voided(at=self.voided_at, reason=self.void_reason or "")


# --- contracts ----------------------------------------------------------------------------------


class ContractRow(MayBeVoided):
    id: int
    signed_on: date
    title: str
    type: ContractType
    amount: Decimal
    received: Decimal
    project_id: int
    project_code: str | None
    enterprise: str


class ContractPage(BaseModel):
    items: list[ContractRow]
    next_cursor: str | None


class Instalment(Out):
    id: int
    due_date: date
    amount: Decimal
    received: Decimal


class Contract(MayBeVoided):
    id: int
    project_id: int
    number: str | None
    title: str
    type: ContractType
    amount: Decimal
    signed_on: date
    enterprise: Named
    received: Decimal
    instalments: list[Instalment]


# --- funding ------------------------------------------------------------------------------------


class FundingQuery(Query):
    open: Literal["", "yes", "no"] = Field("", description="`yes`: no outcome recorded yet.")


class Tranche(MayBeVoided):
    id: int
    number: int
    amount: Decimal
    disbursed: Decimal
    milestone_id: int | None
    gate: int | None


class Agreement(MayBeVoided):
    id: int
    project_id: int
    committed: Decimal
    signed_on: date
    conversion_deadline: date
    discount_pct: Decimal
    outcome: AgreementOutcome | None
    outcome_on: date | None
    planned: Decimal
    disbursed: Decimal
    # Every tranche, a voided one with its `voided` (history: `planned` sums those that stand).
    tranches: list[Tranche]


class AgreementPage(BaseModel):
    items: list[Agreement]
    next_cursor: str | None


# --- companies ----------------------------------------------------------------------------------


class CompanyQuery(PortfolioQuery):
    registered: Literal["", "0", "1"] = Field("", description="`1`: registered companies only.")


class CompanyRow(Out):
    id: int
    name: str
    uscc: str | None
    registered_on: date | None
    registered_capital: Decimal | None
    legal_representative: str
    project_ids: list[int]


class CompanyPage(BaseModel):
    items: list[CompanyRow]
    next_cursor: str | None


class CapTableQuery(BaseModel):
    on: date | None = Field(None, description="The cap table at the end of this day (today).")


class Holding(BaseModel):
    holder_id: int
    holder: str
    kind: HolderType
    shares: Decimal
    pct: Decimal


class CapTable(BaseModel):
    company_id: int
    on: date
    issued: Decimal
    rows: list[Holding]


# --- organisations and needs --------------------------------------------------------------------


class SearchQuery(Query):
    q: Text = ""


class InstituteQuery(SearchQuery):
    type: InstituteType | Literal[""] = ""


class Institute(Out):
    id: int
    code: str
    name: str
    name_en: str | None
    field: str
    field_en: str | None
    type: InstituteType
    founded_on: date | None
    director_id: int | None


class InstitutePage(BaseModel):
    items: list[Institute]
    next_cursor: str | None


class Enterprise(Out):
    id: int
    name: str
    name_en: str | None
    uscc: str | None
    city: str
    city_en: str | None
    industry: str
    industry_en: str | None


class EnterprisePage(BaseModel):
    items: list[Enterprise]
    next_cursor: str | None


class Centre(Out):
    id: int
    name: str
    name_en: str | None
    enterprise_id: int
    established_on: date | None
    city: str
    city_en: str | None


class CentrePage(BaseModel):
    items: list[Centre]
    next_cursor: str | None


class NeedQuery(SearchQuery):
    state: NeedState | Literal["", "matched_or_contracted"] = ""
    institute: Ref = 0
    year: Year = 0


class Need(Out):
    id: int
    title: str
    description: str
    state: NeedState
    enterprise_id: int
    centre_id: int | None
    institute_id: int | None
    intended_investment: Decimal | None
    created_at: datetime


class NeedPage(BaseModel):
    items: list[Need]
    next_cursor: str | None


# --- gate reviews and decisions -----------------------------------------------------------------


class Score(Out):
    criterion_id: int
    passed: bool | None
    value: int | None
    comment: str


class Scorecard(BaseModel):
    evaluator: str
    recommendation: Recommendation | None
    comment: str
    submitted_at: datetime | None
    scores: list[Score]


class Decision(Out):
    id: int
    outcome: Outcome
    target_phase: Phase | None
    rationale: str
    weighted_score: Decimal | None
    revisit_date: date | None
    rework_due: date | None
    decided_at: datetime
    supersedes_id: int | None


class Criterion(Out):
    id: int
    kind: str
    text: str
    weight: Decimal
    scale_max: int


class Review(BaseModel):
    id: int
    project_id: int
    gate: int
    name: str
    phase: Phase
    state: ReviewState
    due_date: date | None
    my_declaration: Declaration | None
    criteria: list[Criterion]
    scorecards: list[Scorecard] = Field(
        description="Only those the page shows this person: after their own is in, or once "
                    "decided for the panel and HQ.")
    decisions: list[Decision]


class ReviewList(BaseModel):
    items: list[Review]


# --- the outbox ---------------------------------------------------------------------------------


class OutboxQuery(Query):
    state: MessageState = MessageState.PENDING


class Message(Out):
    id: int
    rule: str
    recipient_id: int
    audience: Audience
    deadline: date
    fire_on: date
    project_id: int | None
    state: MessageState
    attempts: int
    created_at: datetime
    sent_at: datetime | None


class MessagePage(BaseModel):
    items: list[Message]
    next_cursor: str | None
