"""The overdue list across projects: who sees what, filters, sorting, pages; and the home page's
lists, capped with a link to the rest."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import event, insert, select, text
from sqlalchemy.engine.default import CacheStats

from tests.conftest import PG_URL, login
from tests.factories import _commit, install_gates, make_institute, make_project, make_user
from tests.gates import helpers
from tracker import db
from tracker.accounts.models import Role
from tracker.dates import today
from tracker.gates.models import Outcome
from tracker.milestones import overdue
from tracker.milestones.models import Milestone, MilestoneState
from tracker.projects.lifecycle import FINAL, Phase
from tracker.projects.models import Project, ProjectMember
from tracker.techfields.models import TechnicalField


def _milestone(project, days_late: int, title: str, state=MilestoneState.IN_PROGRESS):
    milestone = Milestone(project_id=project.id, phase=Phase.CONTRACT_RESEARCH, title=title,
                          due_date=today() - timedelta(days=days_late), state=state)
    db.session.add(milestone)
    _commit()
    return milestone


@pytest.fixture
def portfolio():
    """Two institutes, three PMs, late and not late milestones, done ones and a closed
    project's."""
    director = make_user(name="Director Zhang")
    robotics, materials = make_institute(director=director), make_institute()
    li = make_user(Role.PROJECT_MANAGER, name="Li Qiang")
    wang = make_user(Role.PROJECT_MANAGER, name="Wang Fang")
    arm = make_project(pm=li, institute=robotics, field="Robotics",
                       phase=Phase.CONTRACT_RESEARCH, title="Arm")
    alloy = make_project(pm=wang, institute=materials, field="Materials",
                         phase=Phase.CONTRACT_RESEARCH, title="Alloy")
    closed = make_project(pm=li, institute=robotics, phase=Phase.TERMINATED, title="Closed")
    _milestone(arm, 40, "Arm prototype")
    _milestone(arm, 3, "Arm test rig", MilestoneState.SUBMITTED)
    _milestone(arm, -10, "Arm field trial", MilestoneState.PLANNED)
    _milestone(arm, 50, "Arm design", MilestoneState.ACCEPTED)
    _milestone(alloy, 12, "Alloy samples")
    _milestone(alloy, 60, "Alloy furnace", MilestoneState.WAIVED)
    _milestone(closed, 90, "Closed work")
    return {"director": director, "li": li, "wang": wang, "robotics": robotics,
            "materials": materials}


def _titles(page: str) -> list[str]:
    return re.findall(r'/milestones/\d+">([^<]+)</a>', page)


def _get(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_hq_sees_every_late_milestone_most_late_first(client, portfolio):
    login(client, make_user(Role.HQ_ADMIN))
    page = _get(client, "/milestones/overdue")
    assert _titles(page) == ["Arm prototype", "Alloy samples", "Arm test rig"]
    assert "40" in page and "Li Qiang" in page and "Wang Fang" in page
    assert _titles(_get(client, "/milestones/overdue?late=open"))[-1] == "Arm field trial"
    assert _titles(_get(client, "/milestones/overdue?sort=due")) == [
        "Arm test rig", "Alloy samples", "Arm prototype"]
    assert _titles(_get(client, "/milestones/overdue?sort=pm"))[-1] == "Alloy samples"


def test_each_viewer_sees_the_projects_they_may_see(client, app, portfolio):
    login(client, portfolio["director"])
    assert _titles(_get(client, "/milestones/overdue")) == ["Arm prototype", "Arm test rig"]
    other = app.test_client()
    login(other, portfolio["wang"])
    assert _titles(_get(other, "/milestones/overdue")) == ["Alloy samples"]
    evaluator = app.test_client()
    login(evaluator, make_user(Role.EVALUATOR))
    assert evaluator.get("/milestones/overdue").status_code == 403


def test_filters_by_institute_pm_field_and_lateness(client, portfolio):
    login(client, make_user(Role.OBSERVER))
    base = "/milestones/overdue?"
    assert _titles(_get(client, base + f"institute={portfolio['robotics'].id}")) == [
        "Arm prototype", "Arm test rig"]
    assert _titles(_get(client, base + "pm=wang")) == ["Alloy samples"]
    assert _titles(_get(client, base + "field=robot")) == ["Arm prototype", "Arm test rig"]
    assert _titles(_get(client, base + "late=30")) == ["Arm prototype"]
    assert _titles(_get(client, base + "late=7")) == ["Arm prototype", "Alloy samples"]
    assert "nothing is late" in _get(client, base + "pm=nobody")


def test_each_request_reads_its_own_filters_page_and_day(client, clock, portfolio):
    """A list of the whole portfolio runs a statement built once a process for its form
    (`overdue._page_query`) with each request's values: another institute, page, lateness and
    day read their own rows, never those of the request that built it."""
    login(client, make_user(Role.OBSERVER))
    base = "/milestones/overdue?"
    for institute, titles in ((portfolio["robotics"], ["Arm prototype", "Arm test rig"]),
                              (portfolio["materials"], ["Alloy samples"])):
        assert _titles(_get(client, base + f"institute={institute.id}")) == titles
    assert _titles(_get(client, base + "late=30")) == ["Arm prototype"]
    assert _titles(_get(client, base + "late=7")) == ["Arm prototype", "Alloy samples"]
    assert "nothing is late" in _get(client, base + "page=2")
    later = today() + timedelta(days=20)
    clock.set(later)
    login(client, make_user(Role.OBSERVER))
    assert _titles(_get(client, base + "late=30")) == ["Arm prototype", "Alloy samples"]


def _rows_statement(client, engine, path: str) -> tuple[list[str], object, CacheStats]:
    """The titles `path` lists, and the statement that read its rows: the object run and
    whether its compiled form came from SQLAlchemy's cache."""
    ran = []

    def note(conn, cursor, statement, parameters, context, executemany):
        if "FROM milestones JOIN projects" in statement:
            ran.append((context.invoked_statement, context.cache_hit))

    event.listen(engine, "after_cursor_execute", note)
    try:
        titles = _titles(_get(client, path))
    finally:
        event.remove(engine, "after_cursor_execute", note)
    assert len(ran) == 1, ran
    return titles, *ran[0]


def test_directors_and_pms_share_one_statement_and_read_their_own_rows(app, engine, portfolio):
    """A director's or a PM's list runs the statement built once a process for their kind of
    viewer (`visibility.condition`), compiled once, with who they are as its parameters: the
    second director and the second PM get the first one's statement from the cache, and
    their own rows."""
    other_director = make_user(name="Director Qian")
    portfolio["materials"].director_id = other_director.id
    _commit()
    for first, second, theirs in (
            (portfolio["director"], other_director, (["Arm prototype", "Arm test rig"],
                                                     ["Alloy samples"])),
            (portfolio["wang"], portfolio["li"], (["Alloy samples"],
                                                  ["Arm prototype", "Arm test rig"]))):
        seen = []
        for user in (first, second):
            client = app.test_client()
            login(client, user)
            seen.append(_rows_statement(client, engine, "/milestones/overdue"))
        assert [titles for titles, _, _ in seen] == list(theirs)
        (_, built, _), (_, again, cache) = seen
        assert again is built and cache is CacheStats.CACHE_HIT


@pytest.mark.skipif(not PG_URL, reason="PostgreSQL's plans of a prepared statement")
def test_the_list_is_planned_once_for_all_its_runs(app, engine, portfolio):
    """The day the milestones are late on, the phases and the page's size are written into
    the statement: PostgreSQL, the statement prepared on its connection (from its sixth run),
    finds the plan for any values no dearer than the plans for each run's, and plans it no
    more (sent as parameters, the day made a plan for any values guess a third of the
    milestones late, dearer: the statement was planned at every run)."""
    project = make_project(pm=portfolio["li"], institute=portfolio["robotics"],
                           phase=Phase.CONTRACT_RESEARCH)
    db.session.execute(insert(Milestone), [  # most milestones are not late
        {"project_id": project.id, "phase": Phase.CONTRACT_RESEARCH, "title": f"Step {n}",
         "due_date": today() + timedelta(days=n % 300), "state": MilestoneState.PLANNED}
        for n in range(2000)])
    db.session.execute(text("ANALYZE milestones"))  # the connection is dropped after
    client = app.test_client()
    login(client, make_user(Role.HQ_ADMIN))
    for _ in range(12):
        assert "Arm prototype" in _get(client, "/milestones/overdue")
    plans = db.session.execute(text(
        "SELECT generic_plans FROM pg_prepared_statements"
        " WHERE statement LIKE '%FROM milestones JOIN projects%'")).scalars().all()
    assert plans and max(plans) > 0, plans


@pytest.mark.parametrize("phase", list(Phase))
def test_late_in_any_project_under_way_or_held_never_a_draft_or_a_closed_one(client, phase):
    """The list names the phases it reads on PostgreSQL (`overdue.LATE_PHASES`, for its index
    on the phase) and those it leaves out on SQLite: either way every phase but a draft and
    the four closed ones, on hold included."""
    project = make_project(phase=phase)
    _milestone(project, 5, f"Late in {phase.value}")
    login(client, make_user(Role.HQ_ADMIN))
    shown = _titles(_get(client, "/milestones/overdue"))
    assert shown == ([] if phase in {Phase.DRAFT, *FINAL} else [f"Late in {phase.value}"])


def _institutes_offered(page: str) -> set[str]:
    select = re.search(r'<select name="institute".*?</select>', page, re.S).group(0)
    return set(re.findall(r'<option value="\d+"[^>]*>([^<]+)</option>', select)) - {"Any institute"}


def test_a_director_is_offered_their_institutes_and_those_of_projects_they_are_in(client):
    director = make_user(Role.PROJECT_MANAGER, name="Director Sun")
    directed = make_institute(director=director, name="Directed, no project")
    managed = make_institute(name="Of a project they manage")
    member = make_institute(name="Of a project they are on the team of")
    make_institute(name="Nothing of theirs")
    make_project(pm=director, institute=managed, phase=Phase.CONTRACT_RESEARCH)
    team = make_project(institute=member, phase=Phase.CONTRACT_RESEARCH)
    db.session.add(ProjectMember(project_id=team.id, user_id=director.id, role="Adviser",
                                 confirmed_at=db.utcnow()))
    _commit()
    login(client, director)
    assert _institutes_offered(_get(client, "/milestones/overdue")) == {
        directed.name, managed.name, member.name}


def test_pages_of_twenty_five(client):
    project = make_project(phase=Phase.CONTRACT_RESEARCH)
    for n in range(30):
        _milestone(project, 100 - n, f"Step {n:02d}")
    login(client, make_user(Role.HQ_ADMIN))
    first = _get(client, "/milestones/overdue")
    # No count of every late milestone: the page says which rows it shows and links the next.
    assert len(_titles(first)) == 25 and "Results 1 to 25" in first
    assert 'href="/milestones/overdue?page=2">Next' in first
    second = _get(client, "/milestones/overdue?page=2")
    assert _titles(second) == [f"Step {n:02d}" for n in range(25, 30)]
    assert "Results 26 to 30" in second and "Next</a>" not in second
    assert "Previous</a>" in second


@pytest.mark.parametrize("sort", overdue.SORTS)
def test_later_pages_continue_each_sort_where_the_first_stopped(app, sort):
    """A page after the first finds its rows' ids before their institutes and PMs
    (`overdue._page_ids`): pages 1 and 2 of each sort, for HQ and for a director, are the
    whole list in the order of its export, which reads it in one statement."""
    director = make_user(name="Director Zhou")
    institutes = [make_institute(director=director, name="B institute"),
                  make_institute(name="A institute")]
    for n in range(3):
        project = make_project(pm=make_user(Role.PROJECT_MANAGER, name=f"PM {2 - n}"),
                               institute=institutes[n % 2], phase=Phase.CONTRACT_RESEARCH)
        for m in range(10):
            _milestone(project, 5 + (n * 7 + m * 3) % 17, f"Step {n}-{m}")
    for viewer in (make_user(Role.HQ_ADMIN), director):
        client = app.test_client()
        login(client, viewer)
        paged = [title for page in (1, 2) for title in _titles(
            _get(client, f"/milestones/overdue?sort={sort}&page={page}"))]
        whole = [row.title for row in overdue.every_overdue(
            viewer, overdue.OverdueFilters(sort=sort), today())]
        assert paged == whole and len(whole) == (30 if viewer is not director else 20)


def test_in_chinese_and_in_the_menu(client, portfolio):
    login(client, make_user(Role.HQ_ADMIN, locale="zh_CN"))
    assert 'href="/milestones/overdue"' in _get(client, "/")
    page = _get(client, "/milestones/overdue")
    assert "逾期里程碑" in page and "Arm prototype" in page


def test_home_lists_are_capped_with_a_link_to_the_rest(client):
    install_gates()
    pm = make_user(Role.PROJECT_MANAGER)
    project = make_project(pm=pm)
    helpers.go(helpers.submit(project), Outcome.CONDITIONAL_GO, conditions=[
        {"text": f"Condition {n:02d}", "owner": pm, "due_date": today() + timedelta(days=n + 1)}
        for n in range(12)])
    for n in range(12):
        _milestone(project, -(n + 1), f"Step {n:02d}", MilestoneState.PLANNED)
    login(client, pm)
    home = _get(client, "/")
    assert "Step 09" in home and "Step 10" not in home
    assert "Condition 09" in home and "Condition 10" not in home
    assert 'href="/milestones/overdue?late=open"' in home
    assert 'href="/?full=conditions"' in home
    full = _get(client, "/?full=conditions")
    assert "Condition 11" in full and "Step 10" not in full


def test_each_reader_reads_the_institute_in_their_language(client, portfolio):
    """The statement built once a process (`overdue._page_query`) names the institute's column
    of the reader's language: a reader of the other language, after it was built, reads the
    name in theirs (the language walk found a Chinese name on an English page)."""
    institute = portfolio["robotics"]
    institute.name, institute.name_en = "机器人研究所", "Robotics Institute"
    _commit()
    for locale, shown, hidden in (("en", "Robotics Institute", "机器人研究所"),
                                  ("zh_CN", "机器人研究所", "Robotics Institute"),
                                  ("en", "Robotics Institute", "机器人研究所")):
        login(client, make_user(Role.OBSERVER, locale=locale))
        page = _get(client, "/milestones/overdue")
        assert shown in page and hidden not in page, locale


def test_each_reader_reads_the_technical_field_in_their_language(client, portfolio):
    """The Field column showed the project's field as its PM wrote it ("机器人" on English pages:
    the issue 9 audit); it shows the field of HQ's list the page filters by, in the reader's
    language, and nothing for a project not classified."""
    field = TechnicalField(code="ROB", name="机器人", name_en="Robotics")
    db.session.add(field)
    _commit()
    arm = db.session.scalar(select(Project).where(Project.title == "Arm"))
    arm.field, arm.field_id = "机器人手臂", field.id
    _commit()
    for locale, shown, hidden in (("en", ">Robotics<", "机器人"),
                                  ("zh_CN", ">机器人<", ">Robotics<"),
                                  ("en", ">Robotics<", "机器人")):
        login(client, make_user(Role.OBSERVER, locale=locale))
        for path in ("/milestones/overdue", "/milestones/overdue?sort=pm",
                     "/milestones/overdue?late=open"):
            page = _get(client, path)
            assert shown in page and hidden not in page, (locale, path)
            assert "机器人手臂" not in page, (locale, path)
