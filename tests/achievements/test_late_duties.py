"""Late licence and patent duties are seen by HQ and the institute's director, not only by the
PM (issue 16, T23): patent annuities, royalty reports and royalty payments past their due date
are on HQ's list (in its menu and home, filtered by institute and duty, exported), and on the
director's home page for their institute's projects, as the late reports owed to funders are.
Nobody reads one they may not see: a director of another institute, a PM of another project."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, timedelta
from decimal import Decimal

import pytest

from tests.achievements.helpers import make_achievement, make_patent, make_transfer
from tests.conftest import login, shared_data
from tests.factories import _commit, make_institute, make_project, make_user
from tests.shared import ids_of, loaded
from tracker.accounts.models import Role
from tracker.achievements import deals, duties, services
from tracker.dates import today
from tracker.projects.lifecycle import Phase
from tracker.reminders import query

LATE_LIST = "/achievements/late-duties"
# The late annuities are named by their patent's number (the reminders' own title).
A1, A2, B = "CN202410123450.7", "CN202410123451.7", "CN202410123452.7"


class World:
    pass


@pytest.fixture(scope="module")
def world_ids(app, module_connection) -> dict:
    """`_world()`, built once for the module: each test goes on from it in its own savepoint."""
    with shared_data(app, module_connection):
        return ids_of(vars(_world()))


@pytest.fixture
def world(world_ids) -> World:
    world = World()
    vars(world).update(loaded(world_ids))
    return world


def _world() -> World:
    """Institute A (its director, two PMs, each with a project) and institute B (its director,
    a PM): a late annuity on each project, and on A1's a licence whose first royalty report is
    late, a report whose royalty is not paid, and an annuity not yet due."""
    w = World()
    w.hq, w.observer = make_user(Role.HQ_ADMIN), make_user(Role.OBSERVER)
    w.director_a, w.director_b = make_user(), make_user()
    w.a = make_institute(director=w.director_a, name="Alpha Institute")
    w.b = make_institute(director=w.director_b, name="Beta Institute")
    w.pm_a1, w.pm_a2, w.pm_b = (make_user(Role.PROJECT_MANAGER) for _ in range(3))
    annuities = {}
    for n, (pm, institute, title) in enumerate(((w.pm_a1, w.a, "Alpha one electrolyte"),
                                                (w.pm_a2, w.a, "Alpha two membrane"),
                                                (w.pm_b, w.b, "Beta coating"))):
        project = make_project(pm=pm, institute=institute, phase=Phase.CONTRACT_RESEARCH)
        achievement = make_achievement(project, title=title)
        right = make_patent(achievement, number=f"CN20241012345{n}.7")
        annuities[title] = services.add_annuity(pm, right, year_no=3, due_on=date(2026, 3, 1),
                                                fee=Decimal("1200.00"))
        if n == 0:
            w.later = services.add_annuity(pm, right, year_no=4,
                                           due_on=today() + timedelta(days=200),
                                           fee=Decimal("1500.00"))
            # quarterly: the second period's report was due some 90 days ago, the first
            # one's royalty 120 days ago
            w.transfer = make_transfer(achievement, w.hq, signed_on=today() - timedelta(days=300))
            deals.record_report(w.hq, w.transfer, received_on=today() - timedelta(days=150),
                                base_amount=Decimal("1000000.00"))
    _commit()
    w.annuities = annuities
    return w


def _page(client, user, path=LATE_LIST):
    login(client, user)
    answer = client.get(path)
    assert answer.status_code == 200, path
    return answer.get_data(as_text=True)


def test_hq_lists_every_institute_s_late_duties_from_its_menu(client, world):
    page = _page(client, world.hq)
    for title in (A1, A2, B):
        assert title in page
    assert "Alpha Institute" in page and "Beta Institute" in page
    assert "Royalty report of a licence" in page and "Royalty payment of a licence" in page
    assert page.count("Patent annuity") >= 3
    assert "¥1,500.00" not in page  # the annuity not yet due is not late
    home = client.get("/").get_data(as_text=True)
    assert f'href="{LATE_LIST}"' in home  # the menu
    assert "Late licence and patent duties" in home and B in home


def test_the_list_filters_by_institute_and_duty(client, world):
    page = _page(client, world.hq, f"{LATE_LIST}?institute={world.b.id}")
    assert B in page and A1 not in page
    page = _page(client, world.hq, f"{LATE_LIST}?duty=royalty_report")
    assert "Royalty report of a licence" in page and "Patent annuity" not in page.split(
        "<table")[1]
    assert client.get(f"{LATE_LIST}?duty=bogus").status_code == 400
    assert client.get(f"{LATE_LIST}?institute=999999").status_code == 400


def test_the_list_exports_as_the_page_shows_it(client, world):
    login(client, world.hq)
    answer = client.get(f"{LATE_LIST}?institute={world.a.id}&export=csv")
    assert answer.status_code == 200 and "attachment" in answer.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(answer.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0][:3] == ["Due on", "Days late", "Duty"]
    body = rows[1:]
    assert {r[6] for r in body} == {"Alpha Institute"}
    annuity = next(r for r in body if A2 in r[3])
    assert annuity[1] == str((today() - date(2026, 3, 1)).days) and annuity[4] == "1200.00"
    assert client.get(f"{LATE_LIST}?export=xlsx").status_code == 200


def test_a_director_sees_their_institute_s_and_no_other(client, world):
    page = _page(client, world.director_a)
    assert A1 in page and A2 in page
    assert B not in page and "Beta Institute" not in page
    home = client.get("/").get_data(as_text=True)
    assert "Late licence and patent duties in my institute" in home
    assert A2 in home and B not in home
    # asking for the other institute shows nothing of it
    other = client.get(f"{LATE_LIST}?institute={world.b.id}").get_data(as_text=True)
    assert B not in other


def test_the_other_director_sees_theirs_and_none_of_the_first(client, world):
    page = _page(client, world.director_b)
    assert B in page and "Alpha" not in page
    home = client.get("/").get_data(as_text=True)
    assert B in home and A1 not in home


def test_a_pm_sees_their_own_project_s_and_no_other(client, world):
    page = _page(client, world.pm_a2)
    assert A2 in page
    assert A1 not in page and B not in page
    home = client.get("/").get_data(as_text=True)
    assert "in my institute" not in home and A1 not in home


def test_whoever_lists_no_project_is_turned_away(client, world):
    login(client, make_user(Role.EVALUATOR))
    assert client.get(LATE_LIST).status_code == 403


def test_a_duty_done_leaves_the_list(client, world):
    annuity = world.annuities["Beta coating"]
    services.pay_annuity(world.pm_b, annuity, paid_on=date(2026, 3, 20), amount=Decimal("1200"))
    _commit()
    assert B not in _page(client, world.hq)


def test_the_list_reads_in_chinese(client, world):
    world.director_a.locale = "zh_CN"
    _commit()
    page = _page(client, world.director_a)
    assert "逾期的许可与专利事项" in page and "专利年费" in page
    home = client.get("/").get_data(as_text=True)
    assert "本所逾期的许可与专利事项" in home


def test_each_reader_reads_their_own_from_statements_built_once(world):
    """The duty rules' statements are built once a process and run with each reader's values
    (`tracker.reminders.query.built_once`), the institutes and the PM chosen in SQL: a second
    institute, a second PM and an earlier day read their own duties, and build nothing."""
    on = today()

    def numbers(**scope):
        return {d.item.title.split()[0] for d in duties.late(on, **scope)
                if d.rule.name == "patent_annuity"}

    assert numbers(institute_ids=[world.a.id]) == {A1, A2}
    assert numbers(owner_id=world.pm_a2.id) == {A2}
    assert numbers(institute_ids=[world.b.id], owner_id=world.pm_a2.id) == {A2, B}
    assert numbers() == {A1, A2, B}
    built = len(query._BUILT)
    assert numbers(institute_ids=[world.b.id]) == {B}
    assert numbers(owner_id=world.pm_b.id) == {B}
    assert numbers(institute_ids=[], owner_id=world.pm_a1.id) == {A1}
    on = date(2026, 3, 1)  # the annuities' due date: not late yet
    assert numbers(institute_ids=[world.a.id]) == numbers() == set()
    assert len(query._BUILT) == built


def test_an_institute_asked_is_chosen_in_sql_within_what_the_reader_may_see(world):
    """A PM's or a director's list filtered by an institute: the rules' statements choose it
    (`Query.institute_id`), and what they may see stays the bound of it."""
    on = today()

    def numbers(user, institute):
        return {d.item.title.split()[0] for d in duties.visible_to(user, on, institute.id)
                if d.rule.name == "patent_annuity"}

    assert numbers(world.pm_a2, world.a) == {A2}
    assert numbers(world.pm_a2, world.b) == set()
    assert numbers(world.director_a, world.a) == {A1, A2}
    assert numbers(world.director_a, world.b) == set()
    assert numbers(world.hq, world.b) == {B}
    asked = query.Query(owner_id=1, institute_ids=[2], institute_id=3)
    assert asked.values()["q_institute_id"] == 3 and asked.shape[-1]


def test_the_list_shows_a_page_at_a_time_and_its_file_every_duty(app, client, world):
    app.config["PAGE_SIZE"] = 2
    try:
        first = _page(client, world.hq)
        count = int(re.search(r"Page 1 of (\d+)", first).group(1))
        pages = [first] + [_page(client, world.hq, f"{LATE_LIST}?page={n}")
                           for n in range(2, count + 1)]
        assert count >= 3  # three annuities, a report and a royalty, two a page
        for number in (A1, A2, B):  # each duty on one page
            assert sum(number in page for page in pages) == 1
        file = client.get(f"{LATE_LIST}?page=2&export=csv").get_data(as_text=True)
        assert all(number in file for number in (A1, A2, B))
    finally:
        app.config["PAGE_SIZE"] = 25
