"""The assessment pages as HQ and as directors: what each may open, the drill-down's records
and date rule, evidence through the form, the published ranking, the funding approval, the
XLSX files and the printed page."""

from __future__ import annotations

import io
import re
from decimal import Decimal

import pytest
from sqlalchemy import select

from tests.assessment.conftest import PDF, YEAR
from tests.conftest import login, post
from tests.export.helpers import xlsx_rows
from tests.factories import _commit
from tracker import db
from tracker.assessment import services
from tracker.assessment.models import Allocation, AssessmentYear, EvidenceEntry, EvidenceState
from tracker.reports import annual

D = Decimal


@pytest.fixture
def as_user(app):
    """A client signed in as `user`: a new client each time, so a second sign-in in one test
    is a second person, not the first one's session."""
    def sign_in(user):
        client = app.test_client()
        login(client, user)
        return client
    return sign_in


def _drill(w, institute):
    return (f"/assessment/{YEAR}/institutes/{w[institute].id}/indicators/"
            f"{w['signed'].id}")


def test_a_director_reads_their_own_drill_down_and_never_another_institutes(as_user, world):
    w = world
    client = as_user(w["other_director"])
    page = client.get(_drill(w, "theirs"))
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Sensor development" in text and "800,000.00" in text
    assert "counted in the year of their signing date" in text and "Asia/Shanghai" in text
    client = as_user(w["director"])
    assert client.get(_drill(w, "theirs")).status_code == 404
    assert client.get(f"/assessment/{YEAR}/institutes/{w['theirs'].id}").status_code == 404
    assert client.get(f"/assessment/{YEAR}/institutes/{w['theirs'].id}?export=xlsx"
                      ).status_code == 404
    assert client.get(_drill(w, "ours")).status_code == 200


def test_the_ranking_is_shown_to_directors_only_once_published(as_user, world):
    w = world
    client = as_user(w["director"])
    page = client.get(f"/assessment/?year={YEAR}").get_data(as_text=True)
    assert "Ours" in page and "Theirs" not in page and "has not published" in page
    client = as_user(w["admin"])
    assert post(client, f"/assessment/{YEAR}/publish").status_code == 302
    client = as_user(w["director"])
    page = client.get(f"/assessment/?year={YEAR}").get_data(as_text=True)
    assert "Ours" in page and "Theirs" in page
    # Their total and rank, but no link to their assessment, and none of HQ's details.
    assert f"/assessment/{YEAR}/institutes/{w['theirs'].id}" not in page
    assert f"/assessment/{YEAR}/institutes/{w['ours'].id}" in page
    assert "Contracts signed" not in page


def test_publish_pressed_on_two_pages_drawn_before_publishes_it(as_user, world):
    """The button posts what it says (publish, or withdraw), not "the opposite of now": the
    view toggled the stored state, so "Publish" pressed on a second page (another tab, another
    HQ user) drawn before the first press withdrew the ranking, flashing "withdrawn"."""
    first, second = as_user(world["admin"]), as_user(world["admin"])
    pages = [c.get(f"/assessment/?year={YEAR}").get_data(as_text=True) for c in (first, second)]
    assert all('name="publish" value="1"' in page for page in pages)
    for client in (first, second):
        answer = post(client, f"/assessment/{YEAR}/publish", {"publish": "1"},
                      follow_redirects=True)
        assert "The ranking is published to the directors." in answer.get_data(as_text=True)
    assert services.year_of(YEAR).ranking_published
    page = first.get(f"/assessment/?year={YEAR}").get_data(as_text=True)
    assert 'name="publish" value="0"' in page and "Withdraw the ranking" in page
    answer = post(first, f"/assessment/{YEAR}/publish", {"publish": "0"}, follow_redirects=True)
    assert "The ranking is withdrawn from the directors." in answer.get_data(as_text=True)
    assert not services.year_of(YEAR).ranking_published


def test_evidence_through_the_form_waits_for_hq_and_then_counts(as_user, world):
    w = world
    client = as_user(w["director"])
    url = f"/assessment/{YEAR}/institutes/{w['ours'].id}"
    response = post(client, f"{url}/evidence", {
        "indicator_id": w["evidence"].id, "amount": "60000", "once": "t1",
        "description": "Calibration services", "files": (io.BytesIO(PDF), "invoice.pdf")},
        content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)
    entry = db.session.scalar(select(EvidenceEntry))
    assert entry.state is EvidenceState.SUBMITTED and entry.files[0].original_name == \
        "invoice.pdf"
    page = client.get(url).get_data(as_text=True)
    assert "Awaiting HQ review" in page and "Total score" in page
    assert client.get(f"/assessment/evidence/{entry.id}/files/{entry.files[0].id}"
                      ).status_code == 200
    assert post(client, f"/assessment/evidence/{entry.id}/review",
                {"decision": "accept"}).status_code == 403
    client = as_user(w["admin"])
    response = post(client, f"/assessment/evidence/{entry.id}/review", {"decision": "return"})
    assert response.status_code == 400 and "Say why the entry is returned" in \
        response.get_data(as_text=True)
    assert post(client, f"/assessment/evidence/{entry.id}/review",
                {"decision": "accept"}).status_code == 302
    rows = xlsx_rows(client.get(f"{url}?export=xlsx"))
    assert rows[0] == ["Indicator", "Weight", "Target", "Value reached", "Score"]
    # 60,000 of the 100,000 target earns 24 of its 40 points.
    assert rows[2][0] == "Service income outside" and rows[2][3:] == [60000, 24]


def test_a_director_cannot_define_indicators_or_decide_funding(as_user, world):
    w = world
    client = as_user(w["director"])
    for path in (f"/assessment/{YEAR}/indicators", f"/assessment/{YEAR}/funding",
                 f"/assessment/indicators/{w['signed'].id}/edit"):
        assert client.get(path).status_code == 403
    assert post(client, f"/assessment/{YEAR}/funding/approve").status_code == 403
    assert post(client, f"/assessment/{YEAR}/publish").status_code == 403


def test_hq_defines_an_indicator_sets_the_rule_and_approves_the_allocation(as_user, world):
    w = world
    client = as_user(w["admin"])
    response = post(client, f"/assessment/{YEAR}/indicators", {
        "measure": "gates_passed", "name": "通过阶段门", "name_en": "Gates passed",
        "weight": "10", "target": "4", "position": "3", "once": "t2"})
    assert response.status_code == 302, response.get_data(as_text=True)
    assert "Gates passed" in client.get(f"/assessment/{YEAR}/indicators").get_data(
        as_text=True)
    response = post(client, f"/assessment/{YEAR}/funding", {
        "pool": "1,000,000.00", "score_share": "50", "floor": "100000", "cap": "800000"})
    assert response.status_code == 302, response.get_data(as_text=True)
    page = client.get(f"/assessment/{YEAR}/funding").get_data(as_text=True)
    assert "800,000.00" in page and "Approve the allocation" in page
    assert post(client, f"/assessment/{YEAR}/funding/approve").status_code == 302
    amounts = {a.institute_id: a.amount for a in db.session.scalars(select(Allocation))}
    assert amounts == {w["theirs"].id: D("800000.00"), w["ours"].id: D("200000.00")}
    rows = xlsx_rows(client.get(f"/assessment/{YEAR}/funding?export=xlsx"))
    assert [r[-1] for r in rows[1:]] == [800000, 200000]
    table = xlsx_rows(client.get(f"/assessment/?year={YEAR}&export=xlsx"))
    assert table[0][:3] == ["Rank", "Code", "Institute"] and len(table) == 3
    # The annual report carries it as HQ's funding of each institute, in the year assessed.
    funded = {row.institute_code: row.current.amount for row in annual.build(YEAR).rows()
              if row.figure == "hq_funding"}
    assert funded == {"THEIRS": D("800000.00"), "OURS": D("200000.00"), "": D("1000000.00")}
    page = client.get(f"/reports/annual?year={YEAR}&institute={w['ours'].id}").get_data(
        as_text=True)
    assert "HQ funding set by the assessment" in page


@pytest.mark.parametrize("language", ["en", "zh_CN"])
def test_the_institute_page_prints_with_places_to_sign(as_user, world, language):
    w = world
    w["director"].locale = language
    _commit()
    client = as_user(w["director"])
    page = client.get(f"/assessment/{YEAR}/institutes/{w['ours'].id}").get_data(as_text=True)
    assert 'class="signatures print-only"' in page and 'class="form-title print-only"' in page
    assert ("年度考核" in page) if language == "zh_CN" else ("Annual assessment" in page)


def test_a_year_with_no_indicators_says_so(as_user, world):
    client = as_user(world["admin"])
    page = client.get("/assessment/?year=2019").get_data(as_text=True)
    assert "No indicators are defined for 2019 yet." in page
    assert client.get("/assessment/1800/funding").status_code == 404


def _funding(client) -> tuple[bool, str]:
    """Whether the funding page offers the approval's button, and the page's text."""
    page = client.get(f"/assessment/{YEAR}/funding").get_data(as_text=True)
    return f'action="/assessment/{YEAR}/funding/approve"' in page, page


def test_a_year_not_yet_decided_is_refused_its_approval_and_written_by_no_refusal(as_user,
                                                                                 world):
    """An approval posted for a year HQ has decided nothing of yet (no row) is refused for want
    of a pool (409), twice, and so is an invalid rule (400): no 500, no row written. The year's
    row was written by the approval before it was refused, taken back by the refusal's
    rollback and written again, under the same id on SQLite, by the page shown with it:
    "Identity map already had an identity" (a 500 under the suite's savepoints)."""
    client = as_user(world["admin"])
    for year in (YEAR + 5, YEAR + 5):
        refused = post(client, f"/assessment/{year}/funding/approve")
        assert refused.status_code == 409, refused.get_data(as_text=True)
        assert f"No funding pool is set for {year}" in refused.get_data(as_text=True)
    invalid = post(client, f"/assessment/{YEAR + 6}/funding", {"pool": "0", "score_share": "50",
                                                                "floor": "0"})
    assert invalid.status_code == 400
    assert client.get(f"/assessment/{YEAR + 5}/funding").status_code == 200
    assert db.session.scalars(select(AssessmentYear).where(
        AssessmentYear.year > YEAR)).all() == []


def test_the_approval_is_offered_exactly_when_the_allocation_may_be_approved(as_user, world):
    """No pool, a rule that can't place it, approved already: no button, and the sentence the
    service refuses with (409) on the page instead; the button only when the POST succeeds."""
    admin = world["admin"]
    client = as_user(admin)  # the year has no row yet: no pool
    offered, page = _funding(client)
    assert not offered and "No funding pool is set for 2025" in page
    refused = post(client, f"/assessment/{YEAR}/funding/approve")
    assert refused.status_code == 409 and "No funding pool is set" in refused.get_data(
        as_text=True)
    rule = {"pool": "1000", "score_share": "50", "floor": "600"}
    assert post(client, f"/assessment/{YEAR}/funding", rule).status_code == 302
    offered, page = _funding(client)
    assert not offered and "Lower the floor or raise the pool" in page
    assert post(client, f"/assessment/{YEAR}/funding/approve").status_code == 409
    assert post(client, f"/assessment/{YEAR}/funding",
                {**rule, "floor": "0"}).status_code == 302
    offered, page = _funding(client)
    assert offered and "Save the rule" in page
    assert post(client, f"/assessment/{YEAR}/funding/approve").status_code == 302
    offered, page = _funding(client)
    said = re.compile(rf"The allocation of 2025 was approved on [^<]+ by {admin.name} .*"
                      r"it is approved once")
    assert not offered and "Save the rule" not in page and said.search(page)
    refused = post(client, f"/assessment/{YEAR}/funding/approve")
    assert refused.status_code == 409 and said.search(refused.get_data(as_text=True))
    admin.locale = "zh_CN"
    _commit()
    offered, page = _funding(as_user(admin))
    assert not offered and f"年度经费分配已由 {admin.name} 于" in page and "只批准一次" in page
