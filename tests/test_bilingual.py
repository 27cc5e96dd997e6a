"""Reference data in the reader's language: HQ enters a Chinese and an English value, each page
shows the one of its language (the other when that one is empty), forms take both, files and
imports carry both, and Chinese stays the key imports match on."""

from __future__ import annotations

import io

from sqlalchemy import select

from tests.conftest import login, post
from tests.export.helpers import csv_rows
from tests.factories import install_gates, make_enterprise, make_institute, make_project, make_user
from tests.gates.helpers import PDF
from tracker import db
from tracker.accounts.models import Role
from tracker.gates import services as gates
from tracker.gates.models import GateTemplate
from tracker.organisations.models import Institute


def _as(client, user, locale: str):
    user.locale = locale
    db.session.commit()
    login(client, user)


def test_an_institute_reads_in_the_readers_language_and_falls_back_to_the_other(client):
    both = make_institute(name="先进材料研究所", name_en="Institute of Advanced Materials",
                          field="先进材料", field_en="Advanced materials")
    chinese_only = make_institute(name="生物医药研究所", field="生物医药")
    reader = make_user(Role.OBSERVER)
    _as(client, reader, "en")
    page = client.get(f"/institutes/{both.id}").get_data(as_text=True)
    assert "Institute of Advanced Materials" in page and "Advanced materials" in page
    assert "先进材料" not in page
    assert "生物医药研究所" in client.get(f"/institutes/{chinese_only.id}").get_data(as_text=True)
    listing = client.get("/institutes/").get_data(as_text=True)
    assert "Institute of Advanced Materials" in listing and "先进材料研究所" not in listing

    _as(client, reader, "zh_CN")
    page = client.get(f"/institutes/{both.id}").get_data(as_text=True)
    assert "先进材料研究所" in page and "Institute of Advanced Materials" not in page


def test_hq_enters_both_values_and_an_empty_english_one_is_none(client):
    admin = make_user(Role.HQ_ADMIN)
    login(client, admin)
    form = client.get("/enterprises/new").get_data(as_text=True)
    assert 'name="name_en"' in form and 'name="industry_en"' in form
    response = post(client, "/enterprises/new", {
        "name": "恒瑞医药股份有限公司", "name_en": "Jiangsu Hengrui Pharmaceuticals Co., Ltd.",
        "uscc": "", "city": "连云港", "industry": "医药", "industry_en": ""})
    assert response.status_code == 302, response.get_data(as_text=True)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Jiangsu Hengrui Pharmaceuticals Co., Ltd." in page
    assert "医药" in page  # no English industry given: the Chinese one is shown
    history = client.get(response.headers["Location"].replace(
        "/enterprises/", "/history/enterprises/")).get_data(as_text=True)
    assert "Name in English" in history


def test_the_file_carries_both_values_and_the_import_takes_both(client):
    make_institute(code="JITRI-AM", name="先进材料研究所",
                   name_en="Institute of Advanced Materials", field="先进材料",
                   field_en="Advanced materials")
    admin = make_user(Role.HQ_ADMIN)
    login(client, admin)
    rows = csv_rows(client.get("/institutes/?export=csv"))
    header = rows[0]
    row = next(r for r in rows[1:] if r[0] == "JITRI-AM")
    assert row[header.index("Name")] == "先进材料研究所"
    assert row[header.index("Name in English")] == "Institute of Advanced Materials"
    assert row[header.index("Field in English")] == "Advanced materials"
    template = client.get("/admin/import/templates/institutes.csv")
    assert template.status_code == 200
    assert "Name in English" in template.get_data(as_text=True)


def test_gates_are_named_criteria_and_deliverables_shown_in_the_readers_language(client):
    install_gates()
    project = make_project()
    template = db.session.scalar(select(GateTemplate).where(GateTemplate.gate == 1))
    assert (template.name, template.name_en) == ("立项评审", "Proposal review")
    assert template.required_deliverables == ["项目申报书"]
    assert template.required_deliverables_en == ["Proposal document"]
    _as(client, project.pm, "en")
    page = client.get(f"/projects/{project.id}").get_data(as_text=True)
    assert '<option value="项目申报书">Proposal document</option>' in page
    # The English value follows the review it was copied into, as the Chinese one does.
    for name in template.required_deliverables:
        gates.upload_deliverable(project.pm, project, 1, name, io.BytesIO(PDF), f"{name}.pdf")
    review = gates.open_request(project.pm, project, 1)
    db.session.commit()
    assert review.name_en == "Proposal review"
    assert [c.text_en for c in review.criteria] == [c.text_en for c in template.criteria]
    page = client.get(f"/reviews/{review.id}").get_data(as_text=True)
    assert "Proposal review" in page and "立项评审" not in page


def test_queries_that_select_names_pick_the_readers_language(client):
    make_institute(name="集成电路应用技术研究所", name_en="Institute of IC Applications")
    make_enterprise(name="苏州纳芯微电子股份有限公司", name_en="Novosense")
    reader = make_user(Role.OBSERVER)
    _as(client, reader, "en")
    projects = client.get("/projects/").get_data(as_text=True)
    assert "Institute of IC Applications" in projects and "集成电路应用技术研究所" not in projects
    _as(client, reader, "zh_CN")
    projects = client.get("/projects/").get_data(as_text=True)
    assert "集成电路应用技术研究所" in projects
    assert db.session.scalar(select(Institute.id).where(
        Institute.name == "集成电路应用技术研究所")) is not None  # Chinese stays the key
