"""Issue 21 point 2: a form's drop-down of people, needs, appointed PMs or projects reads ids and
names in one statement of two columns; no row of a big table is loaded as a record to fill it,
and the page runs as many statements with more rows as with fewer (enterprises:
tests/organisations/test_enterprise_choices.py)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.conftest import login
from tests.experts.helpers import make_expert
from tests.factories import make_need, make_pm_record, make_project, make_user
from tests.reminders import helpers as change_helpers
from tests.test_query_counts import grown, page_statements, records_loaded
from tracker import db
from tracker.accounts.models import Role, User
from tracker.organisations.models import TechnologyNeed
from tracker.pms.models import PmRecord
from tracker.projects.lifecycle import Phase
from tracker.projects.models import Project


def _steady(client, engine, path: str, more) -> None:
    before = page_statements(client, engine, path)
    more()
    after = page_statements(client, engine, path)
    assert len(after) == len(before), grown(before, after)


@pytest.mark.parametrize("language", ["en", "zh"])
def test_a_pm_interview_offers_the_staff_without_loading_an_account(client, engine, language):
    admin = make_user(Role.HQ_ADMIN, locale=None)
    panel = [make_user(Role.EVALUATOR, name=f"Panel Member {n}") for n in range(3)]
    record = make_pm_record(None, None, by=admin)
    login(client, admin)
    path = f"/pms/{record.id}/interview"
    text, loaded = records_loaded(User, client, path, language)
    for user in panel:
        assert f'value="{user.id}"' in text and user.name in text
    assert set(loaded) <= {admin.id}  # the viewer alone
    _steady(client, engine, path, lambda: [make_user(Role.EVALUATOR) for _ in range(4)])


@pytest.mark.parametrize("language", ["en", "zh"])
def test_a_pm_team_offers_the_appointed_without_loading_a_record(client, engine, language):
    admin = make_user(Role.HQ_ADMIN, locale=None)
    project = make_project()
    institute = db.session.get(Project, project.id).institute

    def appoint(n: int) -> PmRecord:
        return make_pm_record(None, institute, by=admin, name=f"Appointed PM {n}",
                              appointed_at=datetime(2025, 1, 5, tzinfo=UTC))

    records = [appoint(n) for n in range(3)]
    login(client, admin)
    text, loaded = records_loaded(PmRecord, client, "/pms/teams/new", language)
    for record in records:
        assert f'value="{record.id}"' in text and record.name in text
    assert loaded == []
    _steady(client, engine, "/pms/teams/new", lambda: [appoint(n) for n in range(3, 7)])


@pytest.mark.parametrize("language", ["en", "zh"])
def test_a_proposal_offers_the_needs_without_loading_one(client, engine, language):
    pm = make_user(Role.PROJECT_MANAGER, locale=None)
    project = make_project(pm=pm)
    institute = db.session.get(Project, project.id).institute
    db.session.get(User, pm.id).institute_id = institute.id
    db.session.commit()
    needs = [make_need(institute, title=f"需求 {n}") for n in range(3)]
    login(client, pm)
    text, loaded = records_loaded(TechnologyNeed, client, "/projects/new", language)
    for need in needs:
        assert f'<option value="{need.id}">{need.title}</option>' in text
    assert loaded == []
    _steady(client, engine, "/projects/new",
            lambda: [make_need(institute) for _ in range(4)])


@pytest.mark.parametrize("language", ["en", "zh"])
def test_a_company_offers_its_projects_without_loading_one(client, engine, language):
    admin = make_user(Role.HQ_ADMIN, locale=None)
    projects = [make_project(phase=Phase.INVESTMENT_DECISION) for _ in range(2)]
    names = {p.id: p.name for p in projects}
    login(client, admin)
    text, loaded = records_loaded(Project, client, "/companies/new", language)
    for id_, name in names.items():
        assert f'value="{id_}"' in text and name in text
    assert loaded == []
    _steady(client, engine, "/companies/new",
            lambda: [make_project(phase=Phase.INVESTMENT_DECISION) for _ in range(2)])


@pytest.mark.parametrize("language", ["en", "zh"])
def test_a_handover_offers_the_institute_s_pms_without_loading_an_account(
        client, engine, language):
    old_pm, director, _hq, _evaluator = change_helpers.people(pm_locale=None)
    project = change_helpers.project_for(old_pm, director)

    def pm(n: int) -> User:
        return make_user(Role.PROJECT_MANAGER, name=f"Next PM {n}",
                         institute_id=project.institute_id)

    others = [pm(n) for n in range(3)]
    login(client, old_pm)
    path = f"/projects/{project.id}/changes"
    text, loaded = records_loaded(User, client, path, language)
    handover = text[text.index('name="handover-user_id"'):]
    for user in others:
        assert f'value="{user.id}"' in handover and user.name in handover
    assert set(loaded) <= {old_pm.id, director.id}  # the viewer and the page's own people
    _steady(client, engine, path, lambda: [pm(n) for n in range(3, 7)])


@pytest.mark.parametrize("language", ["en", "zh"])
def test_an_expert_s_account_offers_the_evaluators_without_loading_one(
        client, engine, language):
    admin = make_user(Role.HQ_ADMIN, locale=None)
    expert = make_expert(account=False)

    def evaluator(n: int) -> User:
        return make_user(Role.EVALUATOR, name=f"Evaluator {n}")

    evaluators = [evaluator(n) for n in range(3)]
    login(client, admin)
    path = f"/admin/experts/{expert.id}"
    text, loaded = records_loaded(User, client, path, language)
    for user in evaluators:
        assert f'value="{user.id}"' in text and user.name in text and user.email in text
    assert set(loaded) <= {admin.id}
    _steady(client, engine, path, lambda: [evaluator(n) for n in range(3, 7)])
