"""HQ's work on a need: analysis, candidates, the match decision, a project in one action,
moves and closing by the table; every save versioned (409 on a stale page) and audited."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from tests.conftest import login, post
from tests.factories import make_enterprise, make_institute, make_need, make_user
from tracker import db
from tracker.accounts.models import Role
from tracker.audit.models import AuditRecord
from tracker.db import utcnow
from tracker.errors import Invalid, Refused
from tracker.needs import services
from tracker.needs.models import NeedCandidate
from tracker.organisations import need_states
from tracker.organisations import services as organisations
from tracker.organisations.models import NeedState, NeedUrgency
from tracker.projects.lifecycle import Phase
from tracker.projects.models import Project
from tracker.techfields.models import TechnicalField


def _field(code: str, name: str, name_en: str, active: bool = True) -> TechnicalField:
    field = TechnicalField(code=code, name=name, name_en=name_en, active=active)
    db.session.add(field)
    db.session.flush()
    return field


def _fields(page: str, prefix: str) -> dict[str, str]:
    """The hidden fields (version, one-time token) of one form of the need's page."""
    return dict(re.findall(rf'name="({prefix}-(?:version|seen_at|once))"[^>]*value="([^"]*)"',
                           page))


def _post(client, need, action: str, prefix: str, **values):
    page = client.get(f"/needs/{need.id}").get_data(as_text=True)
    data = _fields(page, prefix)
    data.update({f"{prefix}-{k}": str(v) for k, v in values.items()})
    return post(client, f"/needs/{need.id}/{action}", data)


def test_from_intake_to_a_draft_the_pm_finds(client):
    enterprise = make_enterprise(name="徐工")
    robotics, materials = make_institute(field="机器人"), make_institute()
    pm = make_user(Role.PROJECT_MANAGER, institute_id=robotics.id, name="王工")
    need = make_need(enterprise=enterprise, title="Weld seam tracking",
                     description="Thick plate, 40 mm")
    admin = make_user(Role.HQ_ADMIN, name="总部")
    welding = _field("WLD", "焊接", "Welding")
    login(client, admin)

    unnamed = _post(client, need, "analysis", "analysis", field_id="0", trl="4",
                    budget_min="", budget_max="", urgency="high")
    assert unnamed.status_code == 400
    assert "Choose the technical field from HQ&#39;s list." in unnamed.get_data(as_text=True)
    wrong = _post(client, need, "analysis", "analysis", field_id=welding.id, trl="4",
                  budget_min="3000000", budget_max="1000000", urgency="high")
    assert wrong.status_code == 400
    assert "is below the least" in wrong.get_data(as_text=True)
    done = _post(client, need, "analysis", "analysis", field_id=welding.id, trl="4",
                 budget_min="1000000", budget_max="3000000", urgency="high")
    assert done.status_code == 302, done.get_data(as_text=True)
    db.session.refresh(need)
    assert (need.state, need.field_id, need.trl, need.urgency) == (
        NeedState.ANALYSED, welding.id, 4, NeedUrgency.HIGH)
    assert need.analysed_at is not None

    for institute, pm_id, reason in ((materials, 0, "Materials lab"),
                                     (robotics, pm.id, "Ran a weld-vision line for XCMG")):
        response = _post(client, need, "candidates", "candidate", institute_id=institute.id,
                         pm_id=pm_id, reason=reason)
        assert response.status_code == 302, response.get_data(as_text=True)
    candidate = db.session.scalar(select(NeedCandidate).where(
        NeedCandidate.need_id == need.id, NeedCandidate.institute_id == robotics.id))
    response = _post(client, need, "match", "match", candidate_id=candidate.id)
    assert response.status_code == 302, response.get_data(as_text=True)
    db.session.refresh(need)
    db.session.refresh(candidate)
    assert (need.state, need.institute_id, need.matched_by_id) == (
        NeedState.MATCHED, robotics.id, admin.id)
    assert candidate.chosen_by_id == admin.id and candidate.chosen_at == need.matched_at
    page = client.get(f"/needs/{need.id}").get_data(as_text=True)
    assert "Chosen by 总部" in page and "Ran a weld-vision line" in page

    response = _post(client, need, "project", "project", pm_id=pm.id)
    assert response.status_code == 302, response.get_data(as_text=True)
    project = db.session.scalar(select(Project).where(Project.need_id == need.id))
    assert (project.phase, project.pm_id, project.title, project.partner_enterprise_id,
            project.institute_id, project.field, project.field_id, project.trl_now) == (
        Phase.DRAFT, pm.id, "Weld seam tracking", enterprise.id, robotics.id, "焊接",
        welding.id, 4)
    assert project.summary == "Thick plate, 40 mm"
    actions = set(db.session.scalars(select(AuditRecord.action).where(
        AuditRecord.object_type == "technology_needs", AuditRecord.object_id == need.id)))
    assert {"need.analyse", "need.candidate", "need.match", "need.project"} <= actions
    created = db.session.scalar(select(AuditRecord).where(
        AuditRecord.action == "project.create", AuditRecord.object_id == project.id))
    assert created.actor_id == admin.id  # HQ opened it, for the PM
    again = post(client, f"/needs/{need.id}/project", {"project-pm_id": str(pm.id)})
    assert again.status_code == 409  # one project per need
    # Its history names the candidates, the one chosen, the project and its PM, never by ids
    # (it read "Other detail: id 2; institute_id 1; pm_id 1; reason ..." and "Project: 1").
    history = re.sub(r"\s+", " ", re.sub(r"<[^>]*>", " ", client.get(
        f"/history/technology_needs/{need.id}").get_data(as_text=True)))
    assert f"Candidate proposed Candidate for a need: {materials.name} 127.0.0.1" in history
    assert history.count(f"Candidate for a need: {robotics.name} (王工)") == 2  # proposed, chosen
    assert "Project manager: 王工 Project: Draft 1 Weld seam tracking" in history
    assert not re.search(r"\b(institute_id|pm_id|None|Other detail)\b", history)

    post(client, "/logout")
    login(client, pm)
    home = client.get("/").get_data(as_text=True)
    assert "Weld seam tracking" in home


def test_a_project_goes_to_a_pm_of_the_matched_institute(client):
    institute = make_institute()
    need = make_need(institute=institute)  # matched
    outsider = make_user(Role.PROJECT_MANAGER, institute_id=make_institute().id)
    login(client, make_user(Role.HQ_ADMIN))
    page = client.get(f"/needs/{need.id}").get_data(as_text=True)
    data = _fields(page, "project")
    data["project-pm_id"] = str(outsider.id)
    assert post(client, f"/needs/{need.id}/project", data).status_code == 400
    assert db.session.scalar(select(Project).where(Project.need_id == need.id)) is None


def test_a_stale_page_is_refused(client):
    need = make_need()
    a, b = _field("A", "甲领域", "Field A"), _field("B", "乙领域", "Field B")
    login(client, make_user(Role.HQ_ADMIN))
    page = client.get(f"/needs/{need.id}").get_data(as_text=True)
    stale = _fields(page, "analysis")
    assert _post(client, need, "analysis", "analysis", field_id=a.id, trl="0", urgency="low",
                 budget_min="", budget_max="").status_code == 302
    stale.update({"analysis-field_id": str(b.id), "analysis-trl": "0",
                  "analysis-urgency": "low"})
    assert post(client, f"/needs/{need.id}/analysis", stale).status_code == 409
    db.session.refresh(need)
    assert need.field_id == a.id


def test_closing_needs_a_reason(client):
    need = make_need()
    login(client, make_user(Role.HQ_ADMIN))
    response = _post(client, need, "state", "move", target="closed", reason="")
    assert response.status_code in (400, 409)
    assert "Say why the need is closed." in response.get_data(as_text=True)
    db.session.refresh(need)
    assert need.state is NeedState.COLLECTED
    response = _post(client, need, "state", "move", target="closed",
                     reason="The enterprise solved it in house")
    assert response.status_code == 302
    db.session.refresh(need)
    assert (need.state, need.close_reason) == (NeedState.CLOSED,
                                               "The enterprise solved it in house")
    assert need.closed_at is not None
    page = client.get(f"/needs/{need.id}").get_data(as_text=True)
    assert "solved it in house" in page and 'name="move-target"' not in page


def test_a_match_that_falls_through_goes_back_to_analysed(client):
    need = make_need(institute=make_institute())
    login(client, make_user(Role.HQ_ADMIN))
    response = _post(client, need, "state", "move", target="analysed",
                     reason="The PM left")
    assert response.status_code == 302
    db.session.refresh(need)
    assert need.state is NeedState.ANALYSED and need.matched_at is None


def test_a_final_need_refuses_its_analysis_as_its_move_and_its_edit(app):
    """A contracted or closed need changes no more: its analysis is refused in the one
    sentence its move and its record's edit are (`need_states.final_refusal`), with the state,
    since when and what HQ does instead; the edit by its form or an import beside the field it
    would change (`organisations.save_need`)."""
    hq = make_user(Role.HQ_ADMIN)
    need = make_need(enterprise=make_enterprise())
    need.state, need.state_since = NeedState.CLOSED, utcnow()
    db.session.flush()
    said = need_states.final_refusal(need)
    assert said is not None and "record it as a new need" in said
    with pytest.raises(Refused) as analysed:
        services.analyse_need(hq, need, field_id=None, trl=3, budget_min=None,
                              budget_max=None, urgency=None)
    with pytest.raises(Refused) as moved:
        services.move_need(hq, need, NeedState.ANALYSED, "Asked again")
    with pytest.raises(Invalid) as edited:
        organisations.save_need(hq, need, title="Renamed", enterprise_id=need.enterprise_id)
    assert str(analysed.value) == str(moved.value) == said
    assert edited.value.problems == [("title", said)]


def test_the_need_page_says_its_technical_field_once(client):
    """An analysed need's page said its technical field twice, under its facts and again under
    Analysis (found by a newcomer): once, among the facts everyone who sees the need reads."""
    need = make_need(title="Weld seam tracking")
    welding = _field("WLD", "焊接", "Welding")
    need.field_id, need.trl, need.analysed_at = welding.id, 4, utcnow()
    need.state = NeedState.ANALYSED
    db.session.commit()
    for locale, said, name in (("en", "Technical field", "Welding"), ("zh_CN", "技术领域", "焊接")):
        login(client, make_user(Role.HQ_ADMIN, locale=locale))
        page = client.get(f"/needs/{need.id}").get_data(as_text=True)
        assert page.count(f"<dt>{said}</dt>") == 1 and page.count(f"<dd>{name}</dd>") == 1
        assert "TRL the enterprise starts from" in page or "企业现有技术成熟度" in page
        post(client, "/logout")
