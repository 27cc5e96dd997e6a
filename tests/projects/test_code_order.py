"""One order of projects by their code (review finding 13): the project list ordered NULLs last
on both databases, the spending report did not (a code kept from before the tracker has no
number: SQLite put it first in its institute, PostgreSQL last). Every list ordering projects by
year and number now takes `Project.in_code_order`; run with TEST_DATABASE_URL for PostgreSQL."""

from __future__ import annotations

import ast

from tests import source
from tests.factories import _commit, make_institute, make_project, make_user
from tracker import db
from tracker.accounts.models import Role
from tracker.projects.lifecycle import Phase
from tracker.spending import queries


def test_the_spending_report_lists_kept_codes_after_the_numbered_ones_of_their_year():
    institute = make_institute()
    for code, year, seq in (("JITRI-2019-0002", 2019, 2), ("JITRI-AM-2019-0007", 2019, None),
                            ("JITRI-2019-0001", 2019, 1), ("JITRI-2018-0005", 2018, 5)):
        project = make_project(institute=institute, phase=Phase.CONTRACT_RESEARCH)
        project.code, project.year, project.seq = code, year, seq
    _commit()
    rows = queries.across_projects(make_user(Role.HQ_ADMIN), institute.id)
    listed = [row.code for row in db.session.execute(rows)]
    assert listed == ["JITRI-2018-0005", "JITRI-2019-0001", "JITRI-2019-0002",
                      "JITRI-AM-2019-0007"]


def _orders_by_year_or_number(call: ast.Call) -> bool:
    return any(isinstance(node, ast.Attribute) and node.attr in ("year", "seq")
               and isinstance(node.value, ast.Name) and node.value.id == "Project"
               for arg in call.args for node in ast.walk(arg))


def test_no_list_orders_projects_by_year_or_number_but_by_the_one_order():
    found = [f"{path.relative_to(source.TRACKER)}:{node.lineno}"
             for path in source.modules() for node in source.nodes(path)
             if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
             and node.func.attr == "order_by" and _orders_by_year_or_number(node)]
    assert found == []
