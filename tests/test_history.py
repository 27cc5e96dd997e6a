"""History people can read: every audit record as a sentence in the reader's language, fields
by their labels, values formatted as on the object's page; never a column name, an id or an
action code."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.companies import helpers as companies
from tests.conftest import login, post
from tests.factories import install_gates, make_enterprise, make_project, make_user
from tests.test_edits import proposal, tab
from tracker import db
from tracker.accounts.models import Role
from tracker.db import Base
from tracker.display import history
from tracker.display.words import ACTIONS, FIELDS, HIDDEN, OBJECTS
from tracker.projects.lifecycle import Phase

ROOT = Path(__file__).resolve().parent.parent
RECORD_CALL = re.compile(r"record(?:_about)?\(\s*[\w.()]+,\s*\"([a-z_]+\.[a-z_]+)\"", re.S)


def test_every_audited_action_has_a_name():
    codes = set()
    for path in (ROOT / "tracker").rglob("*.py"):
        codes |= set(RECORD_CALL.findall(path.read_text(encoding="utf-8")))
    assert len(codes) > 40, "the scan found almost nothing: has the call changed shape?"
    assert codes - set(ACTIONS) == set(), "name these actions in tracker/display/words.py"


def test_every_table_and_column_has_a_label(app):
    tables = {m.class_.__tablename__ for m in Base.registry.mappers}
    assert tables - set(OBJECTS) == set()
    columns = {c.key for m in Base.registry.mappers for c in m.columns}
    # The English value of reference data is labelled after its Chinese one ("Name in English").
    english = {c for c in columns if c.endswith("_en") and c[:-3] in FIELDS}
    assert columns - set(FIELDS) - HIDDEN - english == set()


# Keys and codes a reader must never see.
RAW = re.compile(r"\b(budget_total|institute_id|partner_enterprise_id|trl_now|start_date|"
                 r"project\.update|project\.create|projects #|\[\[|None)\b")


@pytest.mark.parametrize("locale,money,label", [
    ("en", "CN¥3,500,000.00", "Total budget"), ("zh_CN", "¥3,500,000.00", "总预算")])
def test_a_history_page_reads_as_sentences(client, locale, money, label):
    install_gates()
    project = make_project()
    partner = make_enterprise(name="Partner Enterprise Ltd")
    login(client, project.pm)
    path = f"/projects/{project.id}/edit"
    assert post(client, path, proposal(project, **tab(client, path), budget_total="3500000",
                                       partner_enterprise_id=str(partner.id),
                                       start_date="2026-02-01")).status_code == 302
    post(client, "/logout")
    login(client, make_user(Role.HQ_ADMIN, locale=locale))
    for url in (f"/history/projects/{project.id}", "/audit/?object_type=projects"):
        page = client.get(url).get_data(as_text=True)
        body = page[page.index("<main"):]
        text = re.sub(r"<[^>]*>", " ", body)  # what the reader sees, not option values
        assert not RAW.search(text), RAW.search(text)
        assert money in body and label in body
        assert "Partner Enterprise Ltd" in body  # a name, not the enterprise's id
        assert ("Proposal changed" if locale == "en" else "修改了项目申报") in body
        if locale == "zh_CN":
            assert "2026年2月1日" in body



def test_a_language_reads_as_its_name(app):
    from tracker.accounts.models import User
    from tracker.display.history import kind_of, shown

    assert shown(kind_of(User, "locale"), "zh_CN", None) == "简体中文"


def test_all_changes_of_an_agreement_and_a_company_include_their_records(client):
    """The history of a funding agreement lists its tranches, disbursements and conversion;
    that of a company its share entries, rounds, IP deals and the conversion at its round,
    each line naming its record."""
    agreement, company = companies.worked_example(
        make_project(phase=Phase.INVESTMENT_DECISION))
    login(client, make_user(Role.HQ_ADMIN))
    page = client.get(f"/history/funding_agreements/{agreement.id}").get_data(as_text=True)
    for action in ("funding.agree", "funding.tranche", "funding.disburse", "funding.convert"):
        assert str(ACTIONS[action]) in page, action
    assert "To what" in page
    page = client.get(f"/history/companies/{company.id}").get_data(as_text=True)
    for action in ("company.create", "shares.issue", "round.create", "ip.record",
                   "funding.convert"):
        assert str(ACTIONS[action]) in page, action


@pytest.mark.parametrize("who", ["pm", "director", "admin"])
def test_a_history_page_links_to_nothing_its_reader_may_not_open(client, who):
    """The lines of an agreement's tranches and disbursements sit on the agreement's own
    history: they link nowhere (their own history pages are HQ's, and a PM or a director
    reading the agreement's found them answering 404)."""
    project = make_project(phase=Phase.INVESTMENT_DECISION)
    agreement, _company = companies.worked_example(project)
    if who == "director":
        reader = make_user(Role.INSTITUTE_DIRECTOR)
        project.institute.director_id = reader.id
        db.session.commit()
    else:
        reader = project.pm if who == "pm" else make_user(Role.HQ_ADMIN)
    login(client, reader)
    response = client.get(f"/history/funding_agreements/{agreement.id}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and str(ACTIONS["funding.tranche"]) in page
    for target in re.findall(r'href="(/history/[^"]+)"', page):
        assert client.get(target).status_code == 200, target
    assert "/history/tranches/" not in page


@pytest.mark.parametrize(("object_type", "key", "stored", "label", "shown"), [
    # Years read as years (an enterprise's recognition showed "2,020").
    ("enterprises", "high_tech_since", 2020, "High-tech enterprise", "2020"),
    ("enterprise_recognitions", "year", 2022, "Year", "2022"),
    # What services write as text: an exercise's count and date (shown as "Other detail" and
    # as an ISO date), a funder report's submission, an achievement's contributors.
    ("incentive_grants", "exercised", "150000", "Options exercised in all", "150,000"),
    ("incentive_grants", "on_date", "2026-06-01", "Exercised on", "Jun 1, 2026"),
    ("report_obligations", "submitted_on", "2026-11-20", "Submitted on", "Nov 20, 2026"),
    ("achievements", "contributors", ["李强 60%"], "Contributors", "李强 60%"),
])
def test_a_value_a_service_wrote_reads_as_its_page_says_it(app, object_type, key, stored,
                                                          label, shown):
    with app.test_request_context():
        model = history.model_of(object_type)
        assert history.field_label(key, object_type) == label
        assert history.shown(history.kind_of(model, key), stored, history._Names()) == shown
