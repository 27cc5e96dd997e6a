"""Home pages at a glance: a PM's projects with their health, an evaluator's reviews with the
days left, and a director's list of what needs them, limited to their institute."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from tests.conftest import login, post
from tests.factories import _commit, install_gates, make_institute, make_project, make_user
from tests.gates import helpers
from tracker.accounts.models import Role
from tracker.dates import today
from tracker.gates.models import Outcome
from tracker.milestones import services as milestones
from tracker.projects.lifecycle import Phase


@pytest.fixture(autouse=True)
def _gates():
    install_gates()


def _milestone(project, title, days, submit=False, reviewer=None):
    milestone = milestones.plan_milestone(
        project.pm, project, phase=project.phase if project.phase is not Phase.DRAFT
        else Phase.CONTRACT_RESEARCH, title=title, deliverable="",
        due_date=today() + timedelta(days=days), weight=Decimal("1"))
    if submit:
        milestone.reviewer_id = reviewer.id
        milestones.post_update(project.pm, milestone, 100, "Done", [])
        milestones.submit_milestone(project.pm, milestone)
    _commit()
    return milestone


def test_pm_home_shows_each_project_with_its_phase_next_deadline_and_health(client):
    pm = make_user(Role.PROJECT_MANAGER)
    late = make_project(pm=pm, title="Late project", phase=Phase.CONTRACT_RESEARCH)
    _milestone(late, "Late step", -3)
    _milestone(late, "Later step", 40)
    risky = make_project(pm=pm, title="Risky project", phase=Phase.CONTRACT_RESEARCH)
    _milestone(risky, "Soon step", 5)
    calm = make_project(pm=pm, title="Calm project", phase=Phase.CONTRACT_RESEARCH)
    _milestone(calm, "Far step", 60)
    make_project(pm=pm, title="Closed project", phase=Phase.COMPLETED)
    make_project(pm=pm, title="Draft project", phase=Phase.DRAFT)
    login(client, pm)
    page = client.get("/").get_data(as_text=True)
    assert "My projects" in page and "Closed project" not in page
    # A draft has nothing due yet: it is not "on time", it is not submitted.
    draft_row = page[page.index("Draft project"):].split("</tr>")[0]
    assert "Not submitted yet" in draft_row and "On time" not in draft_row
    # Soonest deadline first: the late one (3 days late), the risky one, then the calm one.
    assert page.index("Late project") < page.index("Risky project") < page.index("Calm project")
    assert "Overdue: 1 milestone" in page and "3 days late" in page
    # Days left said as such, beside "3 days late" (issue 9, F43: it read "(60 days)").
    assert "At risk: 1 milestone due soon" in page and ">5 days left<" in page
    assert "On time" in page and ">60 days left<" in page


def test_evaluator_home_shows_days_left_on_each_review(client, clock):
    clock.set(date(2026, 6, 3))
    evaluator = make_user(Role.EVALUATOR)
    project = make_project(phase=Phase.CONTRACT_RESEARCH)
    milestone = _milestone(project, "Submitted step", -1, submit=True, reviewer=evaluator)
    login(client, evaluator)
    page = client.get("/").get_data(as_text=True)
    assert "Milestones to review" in page
    # The review falls due business days after the submission: so many days left, shown as such.
    left = (milestone.review_due - today()).days
    assert left > 1
    assert f'<span class="tag">{left} days left</span>' in page


def test_director_home_lists_what_needs_them_in_their_institute_only(client):
    director = make_user(name="Director")
    mine = make_institute(director=director)
    other = make_institute()
    pm = make_user(Role.PROJECT_MANAGER)
    project = make_project(pm=pm, institute=mine, title="Mine")
    review = helpers.submit(project)
    helpers.go(review, Outcome.CONDITIONAL_GO, conditions=[
        {"text": "Hire a test engineer", "owner": pm, "due_date": today() + timedelta(days=4)}])
    _milestone(project, "Our late step", -9)
    contract = helpers.sign_contract(project)  # instalments due 2026-03-01 and 2026-09-01
    waiting = helpers.submit(make_project(pm=pm, institute=mine, title="Waiting for gate"))
    foreign = make_project(institute=other, phase=Phase.CONTRACT_RESEARCH, title="Theirs")
    _milestone(foreign, "Their late step", -9)
    helpers.submit(make_project(institute=other, title="Their gate"))
    login(client, director)
    page = client.get("/").get_data(as_text=True)
    assert "Overdue milestones of my institute" in page and "Our late step" in page
    assert "9 days late" in page
    assert "Upcoming gate reviews in my institute" in page and waiting.project.reference in page
    assert "Conditions due in my institute" in page and "Hire a test engineer" in page
    # named with the project they belong to, as the PM's own list of conditions is
    assert f"<code>{project.reference}</code> Hire a test engineer" in page
    login(client, pm)
    assert f"<code>{project.reference}</code> Hire a test engineer" in client.get(
        "/").get_data(as_text=True)
    login(client, director)
    assert contract.instalments[0].due_date < today()
    assert "Overdue payments in my institute" in page and contract.title in page
    assert "Their late step" not in page and "Their gate" not in page



def test_a_project_with_no_open_milestone_is_judged_by_its_end_date(client, clock):
    """The row shows the project's end date as its next deadline: past it, the project is not
    'on time' (a newcomer found one 265 days past its end marked so); near it, it ends soon."""
    clock.set(date(2026, 6, 3))
    pm = make_user(Role.PROJECT_MANAGER)
    make_project(pm=pm, title="Ended project", phase=Phase.CONTRACT_RESEARCH,
                 end_date=date(2026, 5, 1))
    make_project(pm=pm, title="Ending project", phase=Phase.CONTRACT_RESEARCH,
                 end_date=date(2026, 6, 10))
    make_project(pm=pm, title="Far project", phase=Phase.CONTRACT_RESEARCH,
                 end_date=date(2027, 6, 10))
    login(client, pm)
    page = client.get("/").get_data(as_text=True)

    def row(title):
        return page[page.index(title):].split("</tr>")[0]

    assert "33 days late" in row("Ended project")
    assert "Past its end date" in row("Ended project") and "On time" not in row("Ended project")
    assert "Ends soon" in row("Ending project") and "On time" not in row("Ending project")
    assert "On time" in row("Far project")


def test_each_home_reads_its_own_viewer_and_day(client, clock):
    """The home page's statements are built once a process and run with each request's
    values (tracker/web/capped.py): a second PM, a second director and a later day read their
    own rows, never those of the request that built the statement."""
    clock.set(date(2026, 6, 3))
    first_director, second_director = make_user(name="One director"), make_user(name="Two")
    first_pm, second_pm = make_user(Role.PROJECT_MANAGER), make_user(Role.PROJECT_MANAGER)
    _milestone(make_project(pm=first_pm, institute=make_institute(director=first_director),
                            phase=Phase.CONTRACT_RESEARCH), "First step", -2)
    _milestone(make_project(pm=second_pm, institute=make_institute(director=second_director),
                            phase=Phase.CONTRACT_RESEARCH), "Second step", 3)

    def home(viewer):
        post(client, "/logout")
        login(client, viewer)
        page = client.get("/").get_data(as_text=True)
        assert f"by {viewer.name}." in page  # signed in as `viewer`
        return page

    for viewer, own, other in ((first_pm, "First step", "Second step"),
                               (second_pm, "Second step", "First step"),
                               (first_director, "First step", "Second step")):
        page = home(viewer)
        assert own in page and other not in page
    # Not late on the 3rd, so not on its director's home; late on the 10th.
    assert "Second step" not in home(second_director)
    clock.set(date(2026, 6, 10))
    page = home(second_director)
    assert "Second step" in page and "4 days late" in page and "First step" not in page


def test_a_milestone_one_day_late_is_one_day_late_on_the_directors_home_and_the_dashboard(
        client):
    """A count of days is said through its plural (a newcomer's walk found "1 days late"
    possible on the director's list and the dashboard, which wrote the count with a
    singular message; the PM's list already said "1 day late")."""
    director = make_user(name="Director")
    project = make_project(institute=make_institute(director=director),
                           phase=Phase.CONTRACT_RESEARCH, title="Mine")
    _milestone(project, "Just late", -1)
    login(client, director)
    assert "1 day late" in client.get("/").get_data(as_text=True)
    login(client, make_user(Role.HQ_ADMIN))
    dashboard = client.get("/dashboard").get_data(as_text=True)
    assert "Just late" in dashboard and "1 day late" in dashboard
