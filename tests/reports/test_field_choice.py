"""The dashboard's field filter is a choice of HQ's technical fields in the reader's language
(F48, issue 12, found by a newcomer: a free-text box matched the Chinese field as written
only), as are the filters of the lists its figures link to; a value that names no field of
the list is a 400 with the reason, not every field. Hand-counted: two fields, 机器人 / Robotics
(P1 contract research, P2 proposal review) and 先进材料 / Advanced materials (P3 spin-off)."""

from __future__ import annotations

import re

import pytest

from tests.conftest import login
from tests.factories import make_institute, make_project, make_user
from tracker.accounts.models import Role
from tracker.projects.lifecycle import Phase
from tracker.techfields import services as techfields


@pytest.fixture
def fields():
    admin = make_user(Role.HQ_ADMIN)
    robotics = techfields.save_field(admin, None, code="RB", name="机器人", name_en="Robotics")
    materials = techfields.save_field(admin, None, code="AM", name="先进材料",
                                      name_en="Advanced materials")
    institute = make_institute()
    for title, field, phase in (("P1", robotics, Phase.CONTRACT_RESEARCH),
                                ("P2", robotics, Phase.PROPOSAL_REVIEW),
                                ("P3", materials, Phase.SPIN_OFF)):
        make_project(institute=institute, title=title, field="写法各异",
                     field_id=field.id, phase=phase)
    return admin, robotics, materials


def _funnel(page: str) -> dict[str, str]:
    table = page[page.index("<h2>Projects by phase"):]
    return dict(re.findall(r"<tr><t[hd][^>]*>(?:<a[^>]*>)?([^<]+)(?:</a>)?</t[hd]>"
                           r"<td class=\"num\">(?:<a[^>]*>)?([\d,]+)", table)[:10])


def test_the_dashboard_offers_the_fields_in_the_readers_language(app, client, fields):
    admin, robotics, materials = fields
    login(client, admin)
    page = client.get("/dashboard").get_data(as_text=True)
    select = re.search(r'<select name="field_id">.*?</select>', page, re.S).group(0)
    assert f'<option value="{robotics.id}">Robotics</option>' in select
    assert f'<option value="{materials.id}">Advanced materials</option>' in select
    chinese = app.test_client()
    login(chinese, make_user(Role.HQ_ADMIN, locale="zh_CN"))
    page = chinese.get("/dashboard").get_data(as_text=True)
    select = re.search(r'<select name="field_id">.*?</select>', page, re.S).group(0)
    assert ">机器人<" in select and ">先进材料<" in select and "Robotics" not in select


def test_the_choice_narrows_the_figures_and_the_lists_they_link_to(client, fields):
    admin, robotics, materials = fields
    login(client, admin)
    page = client.get(f"/dashboard?field_id={robotics.id}").get_data(as_text=True)
    assert f'<option value="{robotics.id}" selected>Robotics</option>' in page
    links = re.findall(r'href="(/projects/\?[^"]*phase=contract_research[^"]*)"', page)
    assert links and all(f"field_id={robotics.id}" in link for link in links)
    listed = client.get(links[0].replace("&amp;", "&")).get_data(as_text=True)
    assert ">P1<" in listed and ">P2<" not in listed and ">P3<" not in listed
    listed = client.get(f"/projects/?field_id={materials.id}").get_data(as_text=True)
    assert ">P3<" in listed and ">P1<" not in listed
    assert client.get(f"/companies/?field_id={materials.id}").status_code == 200
    assert client.get(f"/milestones/overdue?field_id={robotics.id}").status_code == 200


@pytest.mark.parametrize("path", ["/dashboard", "/projects/", "/companies/",
                                  "/milestones/overdue", "/reports/annual"])
@pytest.mark.parametrize("value", ["robot", "99999", "-1", "2147483648"])
def test_a_field_not_on_the_list_is_a_400(client, fields, path, value):
    login(client, fields[0])
    answer = client.get(f"{path}?field_id={value}")
    assert answer.status_code == 400, (path, value)
    assert "Choose a technical field from the list." in answer.get_data(as_text=True)
