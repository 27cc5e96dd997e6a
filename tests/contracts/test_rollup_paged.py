"""The contract research list by project loads one page of projects, with the received money
of that page's projects only, and totals every project in SQL: the same statements and at
most a page of rows however many projects have contracts; its export has every project
(issue 21 point 2)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

from tests.conftest import login
from tests.contracts.test_contracts import record
from tests.factories import make_project, make_user
from tests.test_query_counts import page_statements
from tracker.accounts.models import Role
from tracker.contracts import services


def _grow(projects: list, n: int) -> None:
    for _ in range(n):
        project = make_project(title=f"Paged {chr(65 + len(projects))}")
        contract = record(project, "1000")
        services.record_payment(project.pm, contract.instalments[0], date(2026, 3, 2), D("100"))
        projects.append(project)


def test_by_project_is_paged_with_totals_of_every_project(app, engine, client):
    app.config["PAGE_SIZE"] = 3
    try:
        projects: list = []
        _grow(projects, 2)
        login(client, make_user(Role.HQ_ADMIN))
        path = "/contracts/?by=project"
        small = page_statements(client, engine, path)
        _grow(projects, 5)
        large = page_statements(client, engine, path)
        assert len(large) == len(small), large
        grouped = [s for s in large if "GROUP BY projects.id" in s and "count(*)" not in s]
        assert grouped and all("LIMIT" in s for s in grouped[:1]), grouped
        first = client.get(path).get_data(as_text=True)
        assert projects[2].title in first and projects[3].title not in first
        assert "Page 1 of 3" in first and "7 results" in first
        assert "7,000.00" in first and "700.00" in first  # the totals of all seven
        sheet = client.get(f"{path}&export=csv").get_data(as_text=True)
        assert all(p.title in sheet for p in projects)
    finally:
        app.config["PAGE_SIZE"] = 25
