"""The register's rules a newcomer found missing (issue 16): a contributor typed by name is
listed once (however spaced or cased); a number is registered once per office, whichever
achievement, the refusal naming the right that has it (and a unique index behind it); a kind of
right is offered, and accepts, only the fields it records; the jurisdiction is chosen from a
list, in both languages."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from tests.achievements.helpers import make_achievement, make_patent
from tests.conftest import login, post
from tests.factories import make_project, make_user
from tracker import db
from tracker.achievements import figures, services
from tracker.achievements.models import IpRight, Jurisdiction, RightStatus, number_key
from tracker.achievements.services import ContributorLine
from tracker.errors import Invalid
from tracker.projects.lifecycle import Phase


def _refused(lines) -> dict[str, str]:
    project = make_project(phase=Phase.CONTRACT_RESEARCH)
    with pytest.raises(Invalid) as refused:
        services.save_achievement(project.pm, project, None, title="Film", description="",
                                  contributors=lines)
    return dict(refused.value.problems)


@pytest.mark.parametrize("again", ["Zhou Min", "zhou  min", " ZHOU MIN ", "Ｚｈｏｕ　Ｍｉｎ"])
def test_a_name_typed_twice_is_refused_beside_the_second(again):
    problems = _refused([ContributorLine(None, "Zhou Min", Decimal("50"), row=0),
                         ContributorLine(None, again, Decimal("50"), row=1)])
    assert list(problems) == ["contributors-1-name"]
    assert "listed twice" in problems["contributors-1-name"]


def test_a_name_typed_as_a_user_listed_already_is_refused_and_two_users_of_a_name_are_not():
    first, second = make_user(name="Li Na"), make_user(name="Li Na")
    problems = _refused([ContributorLine(first.id, "", Decimal("50"), row=0),
                         ContributorLine(None, "li na", Decimal("50"), row=1)])
    assert "as a user" in problems["contributors-1-name"]
    project = make_project(phase=Phase.CONTRACT_RESEARCH)
    achievement = services.save_achievement(project.pm, project, None, title="Two Li Na",
                                            description="", contributors=[
        ContributorLine(first.id, "", Decimal("50")), ContributorLine(second.id, "",
                                                                       Decimal("50"))])
    assert [c.user_id for c in achievement.contributors] == [first.id, second.id]


@pytest.mark.parametrize("again", ["CN 2024 1 0123456.7", "zl202410123456.7", "202410123456.7",
                                   "ＣＮ２０２４１０１２３４５６．７"])
def test_a_number_is_registered_once_whichever_achievement_and_kind(again):
    first = make_achievement(title="Electrolyte")
    make_patent(first, number="CN202410123456.7")
    other = make_achievement(title="Separator")
    for kind, patent_type in (("patent", "invention"), ("software", None)):
        with pytest.raises(Invalid) as refused:
            services.save_right(other.project.pm, other, None, kind=kind,
                                patent_type=patent_type, title="Copy", number=again,
                                jurisdiction="CN", status="filed", filed_on=date(2024, 3, 1),
                                granted_on=None, attorney_costs=None)
        said = dict(refused.value.problems)["number"]
        assert "Electrolyte film" in said and "Electrolyte" in said  # the right, its achievement
        assert "CN202410123456.7" in said


def test_the_same_number_at_another_office_is_another_right():
    achievement = make_achievement()
    make_patent(achievement, number="US11223344")
    us = services.save_right(achievement.project.pm, achievement, None, kind="patent",
                             patent_type="invention", title="US family member",
                             number="US 11,223,344", jurisdiction="US", status="filed",
                             filed_on=date(2024, 3, 1), granted_on=None, attorney_costs=None)
    assert (us.jurisdiction, us.number_key) == (Jurisdiction.US, "11223344")


def test_the_database_refuses_a_number_twice_too(app):
    right = make_patent(make_achievement())
    db.session.add(IpRight(achievement_id=right.achievement_id, kind=right.kind,
                           patent_type=right.patent_type, title="Twin", number=right.number,
                           number_key=right.number_key, jurisdiction=right.jurisdiction,
                           status=right.status))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_number_keys():
    assert number_key("ZL 2024 1 0123456.7", "CN") == number_key("cn202410123456.7", "CN") \
        == "2024101234567"
    assert number_key("2024SR0123456", "CN") == "2024SR0123456"
    assert number_key("", "CN") is None
    assert number_key("US 11,223,344", "US") == "11223344"


@pytest.mark.parametrize("locale, words", [
    ("en", ("Held, kept secret", "China (CN)", "Patent or application")),
    ("zh_CN", ("保密持有", "中国（CN）", "专利或专利申请"))])
def test_a_right_is_recorded_by_kind_with_the_fields_of_its_kind(client, locale, words):
    achievement = make_achievement()
    pm = achievement.project.pm
    pm.locale = locale
    login(client, pm)
    path = f"/achievements/{achievement.id}/rights/new"
    chooser = client.get(path).get_data(as_text=True)
    assert f"{path}?kind=know_how" in chooser and words[2] in chooser
    form = client.get(f"{path}?kind=know_how").get_data(as_text=True)
    assert 'name="patent_type"' not in form and 'name="number"' not in form
    assert 'name="filed_on"' not in form and 'name="granted_on"' not in form
    assert 'name="kind"' not in form and words[0] in form and words[1] in form
    assert 'value="granted"' not in form  # know-how is never granted
    patent = client.get(f"{path}?kind=patent").get_data(as_text=True)
    assert 'name="patent_type"' in patent and 'name="number"' in patent
    refused = post(client, f"{path}?kind=know_how", {"title": "Recipe", "jurisdiction": "XX",
                                                     "status": "filed"})
    assert refused.status_code == 400
    done = post(client, f"{path}?kind=know_how", {"title": "Recipe", "jurisdiction": "CN",
                                                  "status": "filed", "number": "KH-9"})
    assert done.status_code == 302  # a number sent anyway is not taken: no field for it
    right = db.session.scalar(select(IpRight).where(IpRight.title == "Recipe"))
    assert right.number == "" and right.number_key is None
    page = client.get(f"/ip-rights/{right.id}").get_data(as_text=True)
    assert words[0] in page and words[1] in page


def test_changing_a_patent_into_know_how_refuses_its_patent_fields_beside_them(client):
    achievement = make_achievement()
    right = make_patent(achievement, status="filed")
    login(client, achievement.project.pm)
    path = f"/ip-rights/{right.id}/edit"
    page = client.get(path).get_data(as_text=True)
    assert 'name="patent_type"' in page and 'name="kind"' in page
    version = str(right.version)
    sent = post(client, path, {"kind": "know_how", "patent_type": "invention",
                               "title": right.title, "number": right.number,
                               "jurisdiction": "CN", "status": "filed",
                               "filed_on": "2024-03-01", "version": version})
    text = sent.get_data(as_text=True)
    assert sent.status_code == 400
    assert "Only a patent has a patent type" in text
    assert "has no application or registration number" in text
    assert "is not filed" in text
    assert db.session.get(IpRight, right.id).kind.value == "patent"


def test_a_right_still_pending_carries_no_date_of_grant_and_counts_as_filed_only(app):
    """A newcomer saved a patent 'filed, pending' with a grant date, and the annual report
    counted it among the patents granted: the date is refused, and a pending right recorded
    with one before this rule counts as filed only."""
    achievement = make_achievement()
    with pytest.raises(Invalid) as refused:
        services.save_right(achievement.project.pm, achievement, None, kind="patent",
                            patent_type="invention", title="Film", number="CN202610000001.1",
                            jurisdiction="CN", status="filed", filed_on=date(2026, 3, 1),
                            granted_on=date(2026, 3, 5), attorney_costs=None)
    assert "pending" in dict(refused.value.problems)["granted_on"]
    pending = make_patent(achievement, number="CN202410000002.2", status=RightStatus.FILED)
    granted = make_patent(achievement, number="CN202410000003.3")
    pending.granted_on = date(2025, 9, 1)  # as an older record may hold
    db.session.commit()
    counted = {key: db.session.scalar(base.with_only_columns(count).where(
        on >= date(2025, 1, 1), on < date(2026, 1, 1)))
        for key, _label, _n, _a, base, on, count, _sum in figures.figures()
        if key in ("patents_granted", "patents_filed")}
    assert counted["patents_granted"] == 1 and granted.granted_on.year == 2025
