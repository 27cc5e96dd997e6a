"""Records people can trust: a save on a stale copy is refused with what changed meanwhile (and
the user's input kept), and a create form sent twice creates one record."""

from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import func, select

from tests.conftest import login, post
from tests.factories import install_gates, make_institute, make_project, make_user
from tracker import db
from tracker.accounts.models import Role
from tracker.projects.models import Project


@pytest.fixture(autouse=True)
def _gates():
    install_gates()


def hidden(page: str, name: str) -> str:
    match = re.search(rf'<input[^>]*name="{name}"[^>]*value="([^"]*)"', page)
    assert match, f"no hidden field {name}"
    return match.group(1)


def tab(client, path: str) -> dict:
    """A browser tab with the form open: the hidden fields it will send back."""
    page = client.get(path).get_data(as_text=True)
    return {name: hidden(page, name) for name in ("once", "version", "seen_at")
            if f'name="{name}"' in page}


def proposal(project: Project, **overrides) -> dict:
    data = {"title": project.title, "summary": "", "field": project.field,
            "type": project.type.value, "institute_id": str(project.institute_id),
            "partner_enterprise_id": "0", "need_id": "0", "trl_now": "6", "trl_target": "8",
            "budget_total": "3000000", "start_date": "2026-01-01", "end_date": "2028-12-31",
            "budget_lines-0-category": "Equipment", "budget_lines-0-amount": "1000000"}
    data.update(overrides)
    return data


def test_two_tabs_saving_the_same_proposal_lose_nothing(client):
    project = make_project()
    login(client, project.pm)
    path = f"/projects/{project.id}/edit"
    first, second = tab(client, path), tab(client, path)

    added = proposal(project, **first, **{"budget_lines-1-category": "Materials",
                                          "budget_lines-1-amount": "250000"})
    assert post(client, path, added).status_code == 302
    assert len(project.budget_lines) == 2

    # The second tab still shows one line; its save would drop the new one.
    stale = proposal(project, **second, title="A title typed in the second tab")
    response = post(client, path, stale)
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Saved by you in another tab or window meanwhile" in page
    # What the first tab saved, named by the form's label, one budget line after the other.
    # Amounts formatted as on the proposal page.
    assert ("<dt>Budget lines</dt><dd>Equipment CN¥1,000,000.00; Materials CN¥250,000.00</dd>"
            in page)
    assert 'value="A title typed in the second tab"' in page  # the user's input is kept
    db.session.expire_all()
    kept = db.session.get(Project, project.id)
    assert [b.category for b in kept.budget_lines] == ["Equipment", "Materials"]
    assert kept.title == project.title

    # Having seen it, saving again from the refused page replaces it knowingly.
    again = dict(stale, version=hidden(page, "version"), seen_at=hidden(page, "seen_at"))
    assert post(client, path, again).status_code == 302
    db.session.expire_all()
    assert db.session.get(Project, project.id).title == "A title typed in the second tab"


def test_a_budget_line_alone_moves_the_proposal_version(client):
    project = make_project()
    login(client, project.pm)
    path = f"/projects/{project.id}/edit"
    before = project.version
    form = tab(client, path)
    post(client, path, proposal(project, **form, **{"budget_lines-0-amount": "999999"}))
    db.session.expire_all()
    assert db.session.get(Project, project.id).version == before + 1


def test_back_and_resubmit_creates_one_proposal(app, client, monkeypatch):
    institute = make_institute()
    pm = make_user(Role.PROJECT_MANAGER, institute_id=institute.id)
    login(client, pm)
    form = tab(client, "/projects/new")
    data = {"title": "Sent twice", "summary": "", "field": "Materials", "type": "pm_major",
            "institute_id": str(institute.id), "partner_enterprise_id": "0", "need_id": "0",
            "trl_now": "3", "trl_target": "6", "budget_total": "100000",
            "start_date": "2026-03-01", "end_date": "2027-02-28",
            "budget_lines-0-category": "Equipment", "budget_lines-0-amount": "1000", **form}
    first = post(client, "/projects/new", data)
    second = post(client, "/projects/new", data)  # Back, then Save again
    assert first.status_code == second.status_code == 302
    assert second.location == first.location
    count = db.session.scalar(select(func.count()).select_from(Project).where(
        Project.title == "Sent twice"))
    assert count == 1
    page = client.get(second.location).get_data(as_text=True)
    assert "This form had already been sent" in page
    # Back fetches the form anew (pages are never cached): a fresh token, the same content.
    # Within RESEND_WINDOW_MINUTES that is the same proposal sent again, said so.
    again = post(client, "/projects/new", dict(data, **tab(client, "/projects/new")))
    assert again.status_code == 302 and again.location == first.location
    assert "change something in it" in client.get(again.location).get_data(as_text=True)
    assert _count("Sent twice") == 1
    # Anything changed is a new proposal; so is the same content sent after the window.
    changed = dict(data, **tab(client, "/projects/new"), summary="A second one")
    assert post(client, "/projects/new", changed).location != first.location
    assert _count("Sent twice") == 2
    monkeypatch.setitem(app.config, "RESEND_WINDOW_MINUTES", 0)
    later = post(client, "/projects/new", dict(data, **tab(client, "/projects/new")))
    assert later.status_code == 302 and later.location != first.location
    assert _count("Sent twice") == 3


def _count(title: str) -> int:
    return db.session.scalar(select(func.count()).select_from(Project).where(
        Project.title == title))


def _once_in(page: str, action: str) -> str:
    form = re.search(rf'<form[^>]*action="{re.escape(action)}"[^>]*>(.*?)</form>', page, re.S)
    assert form, f"no form posting to {action}"
    token = re.search(r'name="once"[^>]*value="([^"]+)"', form.group(1))
    assert token, f"the form posting to {action} has no one-time token"
    return token.group(1)


def test_a_progress_post_sent_twice_from_the_milestone_page_posts_once(client):
    from tests.milestones.test_milestones import in_research, plan
    from tracker.milestones.models import ProgressUpdate

    project = in_research()
    milestone = plan(project)
    login(client, project.pm)
    path = f"/milestones/{milestone.id}"
    once = _once_in(client.get(path).get_data(as_text=True), f"{path}/update")
    data = {"percent": "40", "note": "Half the rig built", "once": once}
    first, second = post(client, f"{path}/update", data), post(client, f"{path}/update", data)
    assert first.status_code == second.status_code == 302
    assert second.location == first.location
    assert db.session.scalar(select(func.count()).select_from(ProgressUpdate).where(
        ProgressUpdate.milestone_id == milestone.id)) == 1


def test_a_progress_post_with_a_photo_sent_again_after_back_posts_once(client):
    """Back fetches the milestone page anew, with a new token: the same note, percentage and
    photo are the same post; another photo is another post."""
    from tests.milestones.test_milestones import PNG, in_research, plan
    from tracker.milestones.models import Evidence

    project = in_research()
    milestone = plan(project)
    login(client, project.pm)
    path = f"/milestones/{milestone.id}"

    def send(photo: bytes):
        once = _once_in(client.get(path).get_data(as_text=True), f"{path}/update")
        return post(client, f"{path}/update", {
            "percent": "40", "note": "Half the rig built", "once": once,
            "files": [(io.BytesIO(photo), "rig.png")]}, content_type="multipart/form-data")

    first, again = send(PNG), send(PNG)
    assert first.status_code == again.status_code == 302 and again.location == first.location
    assert db.session.scalar(select(func.count()).select_from(Evidence)) == 1
    assert send(PNG + b"another").status_code == 302
    assert db.session.scalar(select(func.count()).select_from(Evidence)) == 2


def test_a_payment_sent_twice_from_the_contract_page_is_recorded_once(client):
    from tests.contracts.test_contracts import record
    from tracker.contracts.models import Payment

    contract = record(make_project(), "1000")
    login(client, contract.project.pm)
    instalment = contract.instalments[0]
    page = client.get(f"/contracts/{contract.id}").get_data(as_text=True)
    action = f"/instalments/{instalment.id}/payments"
    data = {"received_on": "2026-03-02", "amount": "1000",
            "once": _once_in(page, action)}
    assert post(client, action, data).status_code == post(client, action, data).status_code == 302
    assert db.session.scalar(select(func.count()).select_from(Payment).where(
        Payment.instalment_id == instalment.id)) == 1
