"""A list page's records as the file their import reads, for HQ admins (those who may import,
`ImportRun.can_import`): `?import_file=KIND.csv|xlsx` on the list's own URL gives the rows of
`export` (the very writer of `flask import-export`), of exactly the records the page's filters
select and its viewer sees. Imported into another tracker (or an empty database) and downloaded
there again, it gives the same file (`tests/imports/test_page_round_trip.py`).

A page offers the kinds its records are (the projects list also their milestones, the
companies' portfolio also their incentive grants), each in both formats; to whoever may not
import, nothing is offered, and the URL answers 403.
"""

from __future__ import annotations

import io
from typing import Any

from flask import Response, request
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from sqlalchemy import ColumnElement, Select, select

from tracker.accounts.models import User
from tracker.achievements.deal_models import Transfer
from tracker.achievements.models import Achievement
from tracker.companies.models import Company
from tracker.contracts.models import ResearchContract
from tracker.dates import today
from tracker.errors import Forbidden
from tracker.export.responses import FORMATS, XLSX_TYPE
from tracker.funding.models import FundingAgreement
from tracker.imports import export
from tracker.imports.columns import KINDS, Kind
from tracker.imports.models import ImportRun
from tracker.incentives.models import IncentiveGrant
from tracker.milestones.models import Milestone
from tracker.organisations.models import (
    Enterprise,
    Institute,
    JointInnovationCentre,
    TechnologyNeed,
)
from tracker.projects.models import Project

ARG = "import_file"

# What a page's ids are matched with, for each kind: its own records' ids, or (milestones,
# incentive grants) the ids of the records they belong to, which their page lists.
SCOPES: dict[str, ColumnElement] = {
    "institutes": Institute.id, "enterprises": Enterprise.id, "users": User.id,
    "centres": JointInnovationCentre.id, "needs": TechnologyNeed.id, "projects": Project.id,
    "milestones": Milestone.project_id, "contracts": ResearchContract.id,
    "funding": FundingAgreement.id, "companies": Company.id,
    "incentive_grants": IncentiveGrant.company_id, "achievements": Achievement.id,
    "ip_deals": Transfer.id}


def offered(user: User, *kinds: str) -> list[Kind]:
    """The kinds a page offers `user`, its viewer, as files for import: none to whoever may
    not import."""
    return [KINDS[k] for k in kinds] if ImportRun.can_import(user) else []


def requested(user: User, *kinds: str) -> tuple[str, str] | None:
    """The kind and format `?import_file=` asks for among the page's `kinds`, or None for the
    page; Forbidden (403) when `user`, its viewer, may not import."""
    kind, _dot, fmt = request.args.get(ARG, "").partition(".")
    if kind not in kinds or fmt not in FORMATS:
        return None
    if not ImportRun.can_import(user):
        raise Forbidden()
    return kind, fmt


def ids_of(query: Select, column: str | ColumnElement = "id") -> Select:
    """The ids of the records a page's query selects, its order dropped: its column of that
    name, or `column` itself selected with the query's joins and conditions."""
    if isinstance(column, str):
        return select(query.order_by(None).subquery().c[column])
    return query.with_only_columns(column).order_by(None)


def send(asked: tuple[str, str], ids: Select) -> Response:
    """The file of the records of kind `asked[0]` that `ids` select (`SCOPES`)."""
    kind, fmt = asked
    where = SCOPES[kind].in_(ids)
    filename = f"{kind}-for-import-{today().isoformat()}.{fmt}"
    if fmt == "csv":
        return Response(export.export_csv(kind, where), mimetype="text/csv", headers={
            "Content-Disposition": f'attachment; filename="{filename}"'})
    return Response(xlsx(kind, where), mimetype=XLSX_TYPE, headers={
        "Content-Disposition": f'attachment; filename="{filename}"'})


def xlsx(kind: str, where: ColumnElement[bool]) -> bytes:
    """`export.rows` in a workbook's first sheet, every cell text as the import reads it.
    Each cell is typed as text: openpyxl would store a value starting with "=" (a need's
    title someone typed so) as a formula, which the spreadsheet runs and the import, reading
    the values a sheet shows, reads back as empty. So it needs no apostrophe, which the CSV
    puts before such a text (`export.export_csv`) and the import drops from a CSV only."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(kind)
    for row in export.rows(kind, where):
        sheet.append([_text(sheet, value) for value in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _text(sheet: Any, value: Any) -> Any:
    if not isinstance(value, str):
        return value
    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"
    return cell

