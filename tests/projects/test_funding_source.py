"""A project's funding source: 纵向 (a government programme, named with its level), 横向 (an
enterprise, named as the partner) or 自筹 (own funds); kept, shown, filtered and counted."""

from __future__ import annotations

import io

import openpyxl
import pytest
from sqlalchemy import select

from tests.api.helpers import bearer, token_for
from tests.conftest import login, post
from tests.factories import make_enterprise, make_institute, make_project, make_user
from tests.projects.test_views import _proposal
from tracker import db
from tracker.accounts.models import Role
from tracker.apitokens.models import TokenScope
from tracker.errors import Invalid
from tracker.projects.funding import FundingSource, ProgrammeLevel
from tracker.projects.lifecycle import Phase
from tracker.projects.models import Project

GOVERNMENT = {"funding_source": "government", "programme_level": "provincial",
              "programme_name": "江苏省重点研发计划", "funder_project_number": " BE2026012 ",
              "managing_body": "江苏省科学技术厅"}


def test_a_government_programme_is_named_with_its_level_and_an_enterprise_named():
    with pytest.raises(Invalid) as refused:
        make_project(funding_source=FundingSource.GOVERNMENT, programme_name=" ")
    assert {p.field for p in refused.value.each()} == {"programme_level", "programme_name"}
    with pytest.raises(Invalid, match="names the enterprise that funds it") as refused:
        make_project(funding_source=FundingSource.ENTERPRISE)
    assert [p.field for p in refused.value.each()] == ["partner_enterprise_id"]
    # The programme's fields belong to a government programme only.
    own = make_project(funding_source=FundingSource.OWN, programme_level=ProgrammeLevel.NATIONAL,
                       programme_name="Stray", funder_project_number="X", managing_body="Y")
    assert (own.programme_level, own.programme_name, own.funder_project_number,
            own.managing_body) == (None, "", "", "")
    assert make_project().funding_source is FundingSource.OWN  # unless said otherwise


def test_the_pm_names_the_programme_sees_it_and_changes_the_source(client):
    institute = make_institute()
    pm = make_user(Role.PROJECT_MANAGER, institute_id=institute.id)
    login(client, pm)
    form = client.get("/projects/new").get_data(as_text=True)
    assert 'name="funding_source"' in form and "Not a government programme" in form
    refused = post(client, "/projects/new", _proposal(institute, funding_source="government"))
    assert refused.status_code == 400
    assert "Choose the programme&#39;s level." in refused.get_data(as_text=True)
    sent = post(client, "/projects/new", _proposal(institute, **GOVERNMENT))
    assert sent.status_code == 302, sent.get_data(as_text=True)[-1500:]
    project = db.session.scalar(select(Project).where(Project.pm_id == pm.id))
    assert (project.funding_source, project.programme_level, project.funder_project_number) == (
        FundingSource.GOVERNMENT, ProgrammeLevel.PROVINCIAL, "BE2026012")
    page = client.get(f"/projects/{project.id}").get_data(as_text=True)
    assert ("Government programme: 江苏省重点研发计划 (Provincial) · funder's number "
            "BE2026012 · managed by 江苏省科学技术厅") in page
    edit = client.get(f"/projects/{project.id}/edit").get_data(as_text=True)
    assert '<option selected value="provincial">' in edit or (
        'value="provincial" selected' in edit)
    enterprise = make_enterprise()
    changed = post(client, f"/projects/{project.id}/edit", _proposal(
        institute, funding_source="enterprise", partner_enterprise_id=str(enterprise.id),
        programme_level="provincial", programme_name="江苏省重点研发计划",
        version=str(project.version)))
    assert changed.status_code == 302, changed.get_data(as_text=True)[-1500:]
    db.session.refresh(project)
    assert (project.funding_source, project.programme_level, project.programme_name) == (
        FundingSource.ENTERPRISE, None, "")


def test_lists_the_dashboard_and_the_api_split_by_source(client, app):
    institute = make_institute()
    # Approved: the dashboard's projects by source count the portfolio only (drafts aside).
    make_project(institute=institute, title="Programme", phase=Phase.CONTRACT_RESEARCH, **{
        "funding_source": FundingSource.GOVERNMENT, "programme_level": ProgrammeLevel.NATIONAL,
        "programme_name": "National key R&D"})
    make_project(institute=institute, title="Contracted", funding_source=FundingSource.ENTERPRISE,
                 partner_enterprise_id=make_enterprise().id)
    make_project(institute=institute, title="Own")
    login(client, make_user(Role.HQ_ADMIN))
    listed = client.get("/projects/?source=government").get_data(as_text=True)
    assert "Programme" in listed and "Contracted" not in listed and ">Own<" not in listed
    sheet = openpyxl.load_workbook(io.BytesIO(client.get(
        "/projects/?source=enterprise&export=xlsx").data)).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    header = next(r for r in rows if "Funding source" in r)
    assert [r[header.index("Funding source")] for r in rows[rows.index(header) + 1:]
            if r[1] == "Contracted"] == ["Enterprise-funded"]
    dashboard = client.get("/dashboard").get_data(as_text=True)
    section = dashboard[dashboard.index('id="sources"'):]
    assert "/projects/?source=government" in section and "CN¥3,000,000.00" in section
    admin = make_user(Role.HQ_ADMIN)
    headers = bearer(token_for(admin, TokenScope.READ))
    api = app.test_client()
    found = api.get("/api/v1/projects?source=enterprise", headers=headers).json["items"]
    assert [(p["title"], p["funding_source"]) for p in found] == [("Contracted", "enterprise")]
    one = next(p for p in api.get("/api/v1/projects", headers=headers).json["items"]
               if p["title"] == "Programme")
    detail = api.get(f"/api/v1/projects/{one['id']}", headers=headers).json
    assert (detail["funding_source"], detail["programme_level"], detail["programme_name"]) == (
        "government", "national", "National key R&D")
