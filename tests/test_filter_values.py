"""A list's filter given a value it does not have answers 400 naming it (issue 9 point 10 and
issue 12, found by a newcomer): /dashboard?institute=999 read "all institutes" over figures of
none, /reports-owed/?state=bogus showed the late reports, /projects/?phase=bogus every project,
each leaving the reader believing the list filtered. Every choice filter of every list reads
its value through `choice_arg` and every id filter through `row_arg` (the reports owed read
theirs by hand: `?institute=abc` listed every institute's, 999999 none; session 9's audit).
No view reads a number from the query string itself: a number past the database's integer
reached it (`?ip_deal=99999999999999999999` on the transfer form answered 500 on SQLite)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.achievements.helpers import make_achievement
from tests.conftest import login
from tests.factories import make_hq, make_institute, make_project, make_user
from tracker.accounts.models import Role

BOGUS = [
    "/projects/?phase=bogus", "/projects/?type=bogus", "/projects/?source=bogus",
    "/projects/?institute=999999", "/projects/?pm=999999", "/projects/?institute=abc",
    "/milestones/overdue?late=7x", "/milestones/overdue?sort=bogus",
    "/milestones/overdue?institute=999999", "/milestones/overdue?type=bogus",
    "/milestones/overdue?source=bogus",
    "/dashboard?institute=999999", "/dashboard?type=bogus", "/dashboard?source=bogus",
    "/reports/annual?institute=999999",
    "/reports-owed/?state=bogus", "/reports-owed/?kind=bogus",
    "/reports-owed/?institute=999999", "/reports-owed/?institute=abc",
    "/reports-owed/?institute=99999999999999999999",
    "/needs/?state=bogus", "/needs/?institute=999999",
    "/institutes/?type=bogus", "/institutes/?region=bogus",
    "/enterprises/?size=bogus", "/enterprises/?recognition=bogus",
    "/admin/users/?role=bogus", "/admin/users/?status=bogus",
    "/partners/?kind=bogus", "/funding/?outcome=bogus", "/funding/?type=bogus",
    "/centres/overview?status=bogus", "/admin/experts/?title=bogus", "/pms/?state=bogus",
    "/admin/reminders/?state=bogus", "/admin/reminders/?channel=bogus",
    "/notifications?show=bogus", "/contracts/?by=bogus", "/companies/?institute=999999",
    "/spending/?institute=999999",
]


@pytest.fixture
def admin(client):
    make_hq()
    user = make_user(Role.HQ_ADMIN)
    login(client, user)
    return user


@pytest.mark.parametrize("path", BOGUS)
def test_a_filter_value_the_list_does_not_have_is_refused(client, admin, path):
    answer = client.get(path)
    assert answer.status_code == 400, path
    text = answer.get_data(as_text=True)
    value = path.rsplit("=", 1)[1]
    assert value in text, path


@pytest.mark.parametrize("language", ["en", "zh"])
@pytest.mark.parametrize("path", BOGUS)
def test_the_refusal_names_the_filter_as_the_page_labels_it(client, path, language):
    """Not by the word of the address: a Chinese page said 此列表的筛选条件“institute”."""
    make_hq()
    login(client, make_user(Role.HQ_ADMIN, locale=language))
    param = re.search(r"\?(\w+)=", path).group(1)
    text = client.get(path, headers={"Accept-Language": language}).get_data(as_text=True)
    assert f"“{param}”" not in text, path
    named = re.search(r"(?:filter |筛选条件)“([^”]+)”", text)
    if named is None:  # said otherwise ("No institute has the code or number ..."), in words
        return
    if language == "zh":
        assert re.search(r"[\u4e00-\u9fff]", named.group(1)), (path, named.group(1))
    else:
        assert named.group(1)[0].isupper(), (path, named.group(1))


def test_the_values_the_pages_offer_still_filter(client, admin):
    institute = make_institute()
    project = make_project(institute=institute)
    for path in (f"/projects/?phase={project.phase.value}&institute={institute.id}",
                 f"/projects/?pm={project.pm_id}", "/projects/?phase=&type=",
                 f"/dashboard?institute={institute.id}", "/reports-owed/?state=all",
                 "/reports-owed/?state=open", "/milestones/overdue?late=open&sort=late",
                 "/needs/?state=matched_or_contracted", "/admin/users/?role=none",
                 "/notifications?show=unread", "/funding/?outcome=running"):
        assert client.get(path).status_code == 200, path


@pytest.mark.parametrize("path", [
    "/projects/?institute=0&pm=0", "/milestones/overdue?late=0&institute=0&pm=",
    "/dashboard?institute=0", "/spending/?institute=0", "/needs/?institute=0",
    "/companies/?institute=0", "/reports-owed/?institute=0", "/transfers/?institute=0",
    "/achievements/late-duties?institute=0"])
def test_the_any_institute_choice_the_forms_send_filters_by_none(client, admin, path):
    # The filters' "Any institute" option is the value 0: submitting a list's form as drawn
    # answered 400 ("names nothing there is: 0") on every list that reads the id by row_arg.
    assert client.get(path).status_code == 200, path


def test_the_refusal_speaks_the_reader_s_language(app):
    make_hq()
    client = app.test_client()
    login(client, make_user(Role.HQ_ADMIN, locale="zh_CN"))
    text = client.get("/reports-owed/?state=bogus").get_data(as_text=True)
    assert "没有“bogus”这一选项" in text


def test_a_number_in_the_query_string_past_the_database_s_integer_is_no_row(client, admin):
    """The transfer form pre-filled from a spin-off's deal (`?ip_deal=`) ignores a deal it
    does not know, as it ignores -5 or 1e3: it never hands the database a number it can't
    hold (OverflowError on SQLite, out of range on PostgreSQL: a 500)."""
    achievement = make_achievement()
    for value in ("99999999999999999999", "2147483648", "-5", "1e3"):
        path = f"/achievements/{achievement.id}/transfers/new?ip_deal={value}"
        assert client.get(path).status_code == 200, path


def test_no_view_reads_a_number_from_the_query_string_itself():
    """Numbers and ids in a query string go through tracker/web/navigation.py (int_arg:
    bounded; row_arg: a row there is, else 400), never request.args.get(..., type=int)."""
    root = Path(__file__).resolve().parent.parent / "tracker"
    found = [f"{path.relative_to(root)}:{number}"
             for path in root.rglob("*.py") if path.name != "navigation.py"
             for number, line in enumerate(path.read_text().splitlines(), 1)
             if re.search(r"request\.(args|values)\.get\([^)]*type=int", line)]
    assert found == []
