"""Issue 13 (an adoption tester): a service's refusal of a whole row is said beside the column
it is about, never beside none ("row 3, -: Only project managers write proposals."). Who may
not act is said beside the column naming them, with what to do (give them the role in the
users file); what the state refuses, beside the column naming the record it is about (a
milestone of a closed project, beside its project code)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from tests.imports.helpers import run
from tracker import db
from tracker.accounts.models import User
from tracker.errors import ACTS_AS, Forbidden, Invalid
from tracker.funding import services as funding
from tracker.imports.columns import KINDS
from tracker.imports.kinds import ADAPTERS
from tracker.projects import services as projects
from tracker.projects.models import Project


def _changed(rows: list[list[str]], at: int, **cells: str) -> list[list[str]]:
    row = list(rows[at])
    for key, value in cells.items():
        row[rows[0].index(key)] = value
    return [rows[0], row]


# (kind, the exported row, the cells changed, the column told, words of what it is told)
CASES = [
    ("projects", 1, {"title": "A new proposal", "pm_email": "evaluator@import.cn"},
     "pm_id", ("Only project managers", "users file")),
    ("funding", 1, {"project_code": "TEST-2018-0001", "decided_by_email": "pm@import.cn",
                     "disbursements": "", "co_funder_payments": ""},
     "decided_by_id", ("committee", "users file")),
    ("milestones", None, {"title": "After the end", "state": ""}, "project_id",
     ("nothing of it changes any more",)),
]


@pytest.mark.parametrize(("kind", "at", "cells", "column", "words"), CASES,
                         ids=[c[0] for c in CASES])
def test_a_refusal_of_the_row_is_said_beside_its_column(world, kind, at, cells, column, words):
    rows = world["files"][kind]
    if at is None:  # the milestone of the closed project
        at = next(i for i, r in enumerate(rows) if "2016-0007" in r[0])
    admin = db.session.get(User, world["admin"])
    result = run(admin, kind, _changed(rows, at, **cells), dry_run=True)
    db.session.expire_all()
    for locale in ("en", "zh_CN"):
        with force_locale(locale):
            header = str(KINDS[kind].column(column).header)
            said = [(str(h), str(m)) for _row, h, m in result.errors]
        assert all(h for h, _m in said), said  # never beside no column
        if locale == "en":
            assert [m for h, m in said if h == header and all(w in m for w in words)], said
        else:
            assert [m for h, m in said if h == header], said


def test_every_adapter_of_a_projects_record_says_its_refusals_beside_the_project():
    """Each kind whose rows name their project says a refusal of the state beside it."""
    for name, adapter in ADAPTERS.items():
        keys = {c.key for c in adapter.kind.columns}
        if keys & {"project_id", "project_ids"}:
            assert adapter.refused_in in keys, name


def test_a_team_member_of_another_institute_is_named(world):
    """Two team e-mails, one of them of another institute's: the problem says which."""
    rows = world["files"]["projects"]
    members = next(r[rows[0].index("member_emails")] for r in rows[1:]
                   if r[rows[0].index("member_emails")])
    outsider = "evaluator@import.cn"  # of no institute of the projects'
    draft = next(i for i, row in enumerate(rows[1:], start=1) if not row[0])
    admin = db.session.get(User, world["admin"])
    result = run(admin, "projects", _changed(rows, draft, title="Another draft",
                                             member_emails=f"{members}, {outsider}"),
                 dry_run=True)
    said = [m for _row, header, m in result.errors if header == "Team members' e-mails"]
    assert said and outsider in said[0] and members not in said[0], result.errors


def test_the_pages_still_refuse_who_may_not_act_before_anything_else(world):
    """Whoever acts on a page is not data: one who is no PM, or not of the committee, is
    refused (403) before the input's problems, as before; named by an import's row, they are
    one of its problems (`ACTS_AS`)."""
    evaluator = db.session.scalar(select(User).where(User.email == "evaluator@import.cn"))
    project = db.session.scalar(select(Project).where(Project.code == "TEST-2018-0001"))
    proposal = {"start_date": None, "end_date": None, "budget_total": None, "trl_now": None,
                "trl_target": None, "institute_id": project.institute_id}
    terms = {"committed": Decimal(-1), "qualifying_round_min": Decimal(0),
             "conversion_deadline": None, "signed_on": None, "discount_pct": None,
             "hq_ratio": Decimal(1), "co_funders": [], "history": True}
    with pytest.raises(Forbidden):
        projects.check_proposal(evaluator, dict(proposal), [], [])
    with pytest.raises(Forbidden):
        funding.check_agreement(evaluator, project, **terms)
    with pytest.raises(Invalid) as named:
        projects.check_proposal(evaluator, dict(proposal), [], [], named=True)
    assert named.value.problems[0] == (ACTS_AS, "Only project managers write proposals.")
    with pytest.raises(Invalid) as named:
        funding.check_agreement(evaluator, project, **terms, named=True)
    assert named.value.problems[0][0] == ACTS_AS
    assert "committed" in {field for field, _message in named.value.problems}
