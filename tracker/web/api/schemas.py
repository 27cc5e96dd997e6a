"""What the API reads and answers, as pydantic models: they check the input, shape the
output, and give the OpenAPI document its JSON Schemas (`spec`), so the document can not
drift from what the code does."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from tracker.apitokens.models import TokenScope
from tracker.milestones.models import MilestoneState
from tracker.projects.funding import FundingSource, ProgrammeLevel
from tracker.projects.lifecycle import Phase
from tracker.projects.models import ProjectType

Id = Annotated[int, Field(ge=1, le=2**31 - 1)]
Text = Annotated[str, Field(max_length=100)]


class Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class Query(BaseModel):
    """A list's query string: unknown arguments are ignored, as the pages ignore them."""

    model_config = ConfigDict(extra="ignore")

    cursor: Annotated[str | None, Field(max_length=500,
                                        description="From the previous page's `next_cursor`.")] \
        = None
    limit: Annotated[int, Field(ge=1, le=200, description="Rows a page.")] = 50


# --- who calls ----------------------------------------------------------------------------------


class Me(Out):
    id: int
    name: str
    email: str
    roles: list[str]
    token_scope: TokenScope
    token_expires_at: datetime


# --- projects -----------------------------------------------------------------------------------


class ProjectQuery(Query):
    q: Text = ""
    phase: Phase | Literal[""] = ""
    type: ProjectType | Literal[""] = ""
    field: Text = ""
    institute: Annotated[int, Field(ge=0, le=2**31 - 1)] = 0
    pm: Annotated[int, Field(ge=0, le=2**31 - 1)] = 0
    manager: Text = ""
    year: Annotated[int, Field(ge=0, le=2100)] = 0
    source: FundingSource | Literal[""] = ""


class ProjectRow(Out):
    id: int
    code: str | None
    title: str
    phase: Phase
    type: ProjectType
    funding_source: FundingSource
    budget_total: Decimal
    institute: str
    pm: str


class ProjectPage(BaseModel):
    items: list[ProjectRow]
    next_cursor: str | None


class Person(Out):
    id: int
    name: str


class Named(Out):
    id: int
    name: str


class Project(Out):
    id: int
    code: str | None
    title: str
    summary: str
    field: str
    type: ProjectType
    phase: Phase
    held_phase: Phase | None
    institute: Named
    pm: Person
    funding_source: FundingSource
    programme_level: ProgrammeLevel | None
    programme_name: str
    funder_project_number: str
    managing_body: str
    trl_now: int
    trl_target: int
    budget_total: Decimal
    start_date: date
    end_date: date
    version: int


# --- milestones ---------------------------------------------------------------------------------


class Milestone(Out):
    id: int
    project_id: int
    phase: Phase
    title: str
    deliverable: str
    due_date: date
    weight: Decimal
    state: MilestoneState
    percent_complete: int
    submitted_at: datetime | None
    review_due: date | None
    version: int


class MilestonePage(BaseModel):
    items: list[Milestone]
    next_cursor: str | None


class MilestoneQuery(Query):
    state: MilestoneState | Literal[""] = ""


class OverdueQuery(Query):
    late: Literal["0", "7", "30", "90", "open", "review"] = Field(
        "0", description="At least this many days late; `open`: every unfinished milestone; "
                         "`review`: submitted milestones whose review is late.")
    institute: Annotated[int, Field(ge=0, le=2**31 - 1)] = 0
    pm: Text = ""
    field: Text = ""
    type: ProjectType | Literal[""] = ""
    year: Annotated[int, Field(ge=0, le=2100)] = 0
    source: FundingSource | Literal[""] = ""
    sort: Literal["late", "due", "project", "institute", "pm"] = "late"


class OverdueRow(Out):
    milestone_id: int
    title: str
    due_date: date
    state: MilestoneState
    project_id: int
    project_code: str | None
    project_title: str
    field: str
    institute_name: str
    pm_name: str
    days_late: int


class OverduePage(BaseModel):
    items: list[OverdueRow]
    next_cursor: str | None


class Progress(BaseModel):
    """A progress post, sent as multipart/form-data with its evidence files."""

    model_config = ConfigDict(extra="forbid")

    percent: Annotated[int, Field(ge=0, le=100)]
    note: Annotated[str, Field(max_length=10000)] = ""


class ProgressPosted(Out):
    id: int
    percent: int
    note: str
    at: datetime
    evidence: list[str] = Field(description="The names of the files kept as evidence.")
    milestone: Milestone
