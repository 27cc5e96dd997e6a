"""Every page that lists or shows things runs the same number of SQL statements on small data
as on larger data: a few of everything, then more of everything, for each kind of viewer.

The project, milestone and contract pages have their own test (tests/projects), and so do the
funding and company pages (tests/companies)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from tests.conftest import shared_data
from tests.factories import (
    _commit,
    install_gates,
    make_centre,
    make_enterprise,
    make_institute,
    make_need,
    make_project,
    make_user,
)
from tests.gates import helpers
from tests.test_query_counts import assert_steady
from tracker import db
from tracker.accounts.models import Role, User
from tracker.gates import services as gates
from tracker.gates.models import GateReview, Outcome
from tracker.milestones import services as milestones
from tracker.organisations.models import Institute, JointInnovationCentre, TechnologyNeed
from tracker.projects.lifecycle import Phase
from tracker.reminders import preferences
from tracker.reminders import scan as reminders


def _grow(people: dict, made: dict) -> None:
    """Two more projects through gate 1, one waiting for its panel, milestones, needs."""
    institute = made["institute"]
    pm, admin, evaluator = people["pm"], people["admin"], people["evaluator"]
    for n in range(2):
        # A project through gate 1 with a condition, and one waiting for its panel.
        project = make_project(pm=pm, institute=institute)
        review = helpers.submit(project)
        helpers.go(review, Outcome.CONDITIONAL_GO, conditions=[
            {"text": f"Condition {n}", "owner": pm,
             "due_date": date.today() + timedelta(days=3)}])
        made["reviews"].append(review)
        waiting = helpers.submit(make_project(pm=pm, institute=institute))
        panel = [evaluator, make_user(Role.EVALUATOR), make_user(Role.EVALUATOR)]
        gates.name_panel(admin, waiting, evaluator, panel, date.today() + timedelta(days=9))
        made.setdefault("waiting", waiting)
        helpers.submit(make_project(institute=institute))
        # A proposal gate 1 sent back for rework, now late (the PM's and director's homes).
        helpers.go(helpers.submit(make_project(pm=pm, institute=institute)), Outcome.RECYCLE,
                   rework_due=date.today() + timedelta(days=30)).rework_due = (
                       date.today() - timedelta(days=3))
        # Milestones: overdue, submitted without a reviewer, submitted to the evaluator.
        for due, reviewer in ((date.today() - timedelta(days=20), None),
                              (date.today() + timedelta(days=5), evaluator.id)):
            milestone = milestones.plan_milestone(
                pm, project, phase=Phase.CONTRACT_RESEARCH, title=f"Step {n}",
                deliverable="", due_date=due, weight=Decimal("1"))
            milestone.reviewer_id = reviewer
            milestones.post_update(pm, milestone, 100, "Done", [])
            milestones.submit_milestone(pm, milestone)
        milestones.plan_milestone(
            pm, project, phase=Phase.CONTRACT_RESEARCH, title=f"Late {n}", deliverable="",
            due_date=date.today() - timedelta(days=40), weight=Decimal("1"))
        need = make_need(institute=institute, enterprise=make_enterprise())
        made["centre"] = make_centre(enterprise=need.enterprise)
        made["need"] = need
        make_need()
        make_user(Role.PROJECT_MANAGER)
    _commit()
    reminders.scan(date.today())
    _commit()


# What `world` holds, by key: the model of each object.
MADE = {"institute": Institute, "waiting": GateReview, "centre": JointInnovationCentre,
        "need": TechnologyNeed}


@pytest.fixture(scope="module")
def world_ids(app, module_connection) -> dict:
    """A few of everything, built once for the module's tests (each rolls back its own
    changes, the growth included): the ids of its people and things."""
    with shared_data(app, module_connection):
        install_gates()
        director = make_user(name="Director")
        institute = make_institute(director=director)
        people = {
            "pm": make_user(Role.PROJECT_MANAGER, institute_id=institute.id),
            "admin": make_user(Role.HQ_ADMIN),
            "director": director,
            "evaluator": make_user(Role.EVALUATOR),
            "observer": make_user(Role.OBSERVER),
            "committee": make_user(Role.INVESTMENT_COMMITTEE),
        }
        made = {"institute": institute, "reviews": []}
        _grow(people, made)
        return {"people": {who: user.id for who, user in people.items()},
                "made": {key: thing.id for key, thing in made.items() if key in MADE},
                "reviews": [review.id for review in made["reviews"]]}


@pytest.fixture
def world(world_ids: dict) -> dict:
    people = {who: db.session.get(User, id_) for who, id_ in world_ids["people"].items()}
    made: dict = {key: db.session.get(MADE[key], id_) for key, id_ in world_ids["made"].items()}
    made["reviews"] = [db.session.get(GateReview, id_) for id_ in world_ids["reviews"]]
    made["project"] = made["reviews"][0].project
    return {"people": people, "grow": lambda: _grow(people, made), "made": made}


def _steady(app, engine, world, pages):
    """`pages`: (viewer, path or a function of what was made)."""
    made, people = world["made"], world["people"]
    assert_steady(app, engine, world["grow"], [
        (people[who], page if isinstance(page, str) else (lambda page=page: page(made)))
        for who, page in pages])


def test_home_pages(app, engine, world):
    _steady(app, engine, world, [(who, "/") for who in world["people"]]
            + [("pm", "/?full=milestones"), ("pm", "/?full=reworks"),
               ("director", "/?full=institute_reworks"), ("admin", "/?full=unassigned")])


def test_overdue_list(app, engine, world):
    institute = lambda made: f"/milestones/overdue?institute={made['institute'].id}"  # noqa: E731
    _steady(app, engine, world, [
        ("admin", "/milestones/overdue"), ("admin", "/milestones/overdue?late=open&sort=pm"),
        ("admin", institute), ("director", "/milestones/overdue"),
        ("pm", "/milestones/overdue?field=Mat&pm=User")])


def test_gate_pages(app, engine, world):
    decided = lambda made: f"/reviews/{made['reviews'][0].id}"  # noqa: E731
    waiting = lambda made: f"/reviews/{made['waiting'].id}"  # noqa: E731
    _steady(app, engine, world, [
        ("admin", "/gates/awaiting"), ("evaluator", "/my/reviews"), ("admin", decided),
        ("pm", decided), ("admin", waiting), ("evaluator", waiting), ("pm", waiting),
        ("admin", lambda made: f"/reviews/{made['waiting'].id}/panel"),
        ("admin", "/admin/gates/"), ("admin", "/admin/gates/1")])


def test_organisation_pages(app, engine, world):
    institute = lambda made: f"/institutes/{made['institute'].id}"  # noqa: E731
    _steady(app, engine, world, [
        (who, path) for who in ("admin", "pm", "director")
        for path in ("/needs/", "/institutes/", "/enterprises/", "/centres/", institute)])


def test_admin_and_history_pages(app, engine, world):
    _steady(app, engine, world, [
        ("admin", "/admin/users/"), ("admin", "/admin/users/?role=project_manager"),
        ("admin", "/audit/"), ("observer", "/audit/"),
        ("admin", lambda made: f"/history/projects/{made['project'].id}"),
        ("admin", "/admin/reminders/"), ("admin", "/admin/settings"),
        ("admin", "/admin/calendar"), ("pm", "/reminders/preferences"),
        ("admin", "/contracts/"), ("pm", "/contracts/"), ("director", "/contracts/")])


def test_detail_form_and_feed_pages(app, engine, world):
    """The pages of one organisation, need or centre, the forms whose drop-downs list
    organisations and people, and the calendar feed (every open deadline of its owner)."""
    pm = world["people"]["pm"]
    token = preferences.regenerate_feed_token(pm)
    _commit()
    need = lambda made: f"/needs/{made['need'].id}"  # noqa: E731
    enterprise = lambda made: f"/enterprises/{made['need'].enterprise_id}"  # noqa: E731
    centre = lambda made: f"/centres/{made['centre'].id}"  # noqa: E731
    _steady(app, engine, world, [
        (who, page) for who in ("admin", "director") for page in (need, enterprise, centre)]
        + [("admin", "/needs/new"), ("admin", "/centres/new"), ("admin", "/institutes/new"),
           ("admin", lambda made: f"/needs/{made['need'].id}/edit"),
           ("admin", lambda made: f"/institutes/{made['institute'].id}/edit"),
           ("pm", f"/calendar/{token}.ics"),
           ("admin", f"/calendar/{token}.ics")])
