"""Where a project's money comes from (经费来源), as Chinese research administration types
it: a government programme (纵向), an enterprise through its research contract (横向) or own
funds (自筹). `FundedBy` holds the project's columns for it."""

from __future__ import annotations

import enum

from flask_babel import lazy_gettext as _l
from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from tracker.db import str_enum


class FundingSource(enum.StrEnum):
    """Where a project's money comes from, as Chinese research administration types it."""

    GOVERNMENT = "government"  # 纵向: a government science and technology programme
    ENTERPRISE = "enterprise"  # 横向: an enterprise, through its research contract
    OWN = "own"  # 自筹: HQ's or the institute's own funds


FUNDING_SOURCE_LABELS = {
    FundingSource.GOVERNMENT: _l("Government programme"),
    FundingSource.ENTERPRISE: _l("Enterprise-funded"),
    FundingSource.OWN: _l("Own funds (HQ or institute)"),
}


class ProgrammeLevel(enum.StrEnum):
    NATIONAL = "national"
    PROVINCIAL = "provincial"
    MUNICIPAL = "municipal"
    DISTRICT = "district"


PROGRAMME_LEVEL_LABELS = {
    ProgrammeLevel.NATIONAL: _l("National"),
    ProgrammeLevel.PROVINCIAL: _l("Provincial"),
    ProgrammeLevel.MUNICIPAL: _l("Municipal"),
    ProgrammeLevel.DISTRICT: _l("District"),
}


class FundedBy:
    """Mixed into `Project`."""

    # 纵向 / 横向 / 自筹; a government programme's level, name, the funder's own project number
    # and the body managing it are kept for a government-funded project only.
    funding_source: Mapped[FundingSource] = mapped_column(
        str_enum(FundingSource, "funding_source"), default=FundingSource.OWN,
        server_default=FundingSource.OWN.value)
    programme_level: Mapped[ProgrammeLevel | None] = mapped_column(
        str_enum(ProgrammeLevel, "programme_level"))
    programme_name: Mapped[str] = mapped_column(String(200), default="", server_default="")
    funder_project_number: Mapped[str] = mapped_column(String(100), default="",
                                                       server_default="")
    managing_body: Mapped[str] = mapped_column(String(200), default="", server_default="")
