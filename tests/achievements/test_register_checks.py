"""What the register refuses, as a research administrator expects (found by a newcomer):
achievements of a project not yet approved, dates after today, know-how granted, a right
listed twice, a patent with annuities turned into something else, an annuity due before its
patent was filed, a payment of nothing or paid twice, a contributor both chosen and typed; and
no annuity reminder for a right that is not a patent."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from tests.achievements.helpers import make_achievement, make_patent
from tests.conftest import login, post
from tests.factories import _commit, make_project, make_user
from tracker import db
from tracker.accounts.models import Role
from tracker.achievements import services
from tracker.achievements.models import Achievement, PatentType, RightKind, RightStatus
from tracker.achievements.services import ContributorLine
from tracker.dates import today
from tracker.errors import Invalid, Refused
from tracker.projects.lifecycle import Phase
from tracker.reminders import scan


def _right(achievement, right=None, **changes):
    values = dict(kind=RightKind.PATENT, patent_type=PatentType.INVENTION, title="Film",
                  number="CN202410999999.1", jurisdiction="CN", status=RightStatus.FILED,
                  filed_on=date(2024, 3, 1), granted_on=None, attorney_costs=None)
    values.update(changes)
    return services.save_right(achievement.project.pm, achievement, right, **values)


def _problems(error) -> dict[str, str]:
    return dict(error.value.problems)


@pytest.mark.parametrize("phase", [Phase.DRAFT, Phase.PROPOSAL_REVIEW, Phase.REJECTED])
def test_a_project_not_approved_records_no_achievement(client, phase):
    pm = make_user(Role.PROJECT_MANAGER)
    project = make_project(pm=pm, phase=phase)
    with pytest.raises(Refused, match="is not approved: its achievements"):
        services.save_achievement(pm, project, None, title="Early result", description="",
                                  contributors=[ContributorLine(pm.id, "", Decimal("100"))])
    # Its PM keeps its register; its stage refuses, said as such (409), not "not allowed".
    assert Achievement.can_record(pm, project)
    login(client, pm)
    assert f"/projects/{project.id}/achievements/new" not in client.get(
        f"/projects/{project.id}").get_data(as_text=True)
    refused = client.get(f"/projects/{project.id}/achievements/new")
    assert refused.status_code == 409
    assert f'href="/projects/{project.id}"' in refused.get_data(as_text=True)


def test_a_contributor_is_chosen_or_typed_not_both():
    achievement = make_achievement()
    pm = achievement.project.pm
    with pytest.raises(Invalid) as refused:
        services.save_achievement(pm, achievement.project, achievement, title="T",
                                  description="", contributors=[
                                      ContributorLine(pm.id, "Wang Wu", Decimal("100"), row=0)])
    assert "Wang Wu" in _problems(refused)["contributors-0-name"]


def test_rights_take_no_date_after_today_and_know_how_is_never_granted():
    achievement = make_achievement()
    tomorrow = today() + timedelta(days=1)
    with pytest.raises(Invalid) as refused:
        _right(achievement, filed_on=tomorrow)
    assert "filed_on" in _problems(refused)
    with pytest.raises(Invalid) as refused:
        _right(achievement, status=RightStatus.GRANTED, granted_on=tomorrow)
    assert "granted_on" in _problems(refused)
    with pytest.raises(Invalid) as refused:
        _right(achievement, kind=RightKind.KNOW_HOW, patent_type=None, number="",
               status=RightStatus.GRANTED, granted_on=date(2025, 1, 1))
    assert "status" in _problems(refused)


def test_a_right_is_listed_once():
    achievement = make_achievement()
    make_patent(achievement, number="CN202310456789.1")
    other = make_achievement(title="Another result")
    with pytest.raises(Invalid) as refused:
        _right(other, number="CN202310456789.1")
    assert "CN202310456789.1" in _problems(refused)["number"]
    _right(other, number="CN202310456789.1", jurisdiction="US")  # another office's number


def test_annuities_fall_due_after_filing_and_are_paid_with_money_not_in_the_future():
    achievement = make_achievement()
    pm = achievement.project.pm
    right = make_patent(achievement)  # filed 2024-03-01
    with pytest.raises(Invalid) as refused:
        services.add_annuity(pm, right, year_no=3, due_on=date(2001, 1, 1), fee=Decimal("900"))
    assert "due_on" in _problems(refused)
    annuity = services.add_annuity(pm, right, year_no=3, due_on=date(2027, 3, 1),
                                   fee=Decimal("900"))
    _commit()
    with pytest.raises(Invalid) as refused:
        services.pay_annuity(pm, annuity, paid_on=today() + timedelta(days=1),
                             amount=Decimal("0"))
    assert set(_problems(refused)) == {"paid_on", "amount"}
    # Nor before the right was filed (as no receipt comes before its deal's signing).
    with pytest.raises(Invalid) as refused:
        services.pay_annuity(pm, annuity, paid_on=date(2024, 2, 29), amount=Decimal("900"))
    assert _problems(refused) == {
        "paid_on": "An annuity is paid once the right is filed (Mar 1, 2024)."}
    services.pay_annuity(pm, annuity, paid_on=today(), amount=Decimal("900"))
    _commit()
    with pytest.raises(Refused) as twice:  # a second tab: said above the page, not lost
        services.pay_annuity(pm, annuity, paid_on=today(), amount=Decimal("900"))
    assert "already" in str(twice.value.message if hasattr(twice.value, "message")
                            else twice.value)


def test_a_second_tab_paying_again_is_told_so(client):
    achievement = make_achievement()
    right = make_patent(achievement)
    annuity = services.add_annuity(achievement.project.pm, right, year_no=3,
                                   due_on=date(2027, 3, 1), fee=Decimal("900"))
    _commit()
    login(client, achievement.project.pm)
    form = {"paid_on": today().isoformat(), "amount": "900"}
    assert post(client, f"/annuities/{annuity.id}/pay", form).status_code == 302
    again = post(client, f"/annuities/{annuity.id}/pay", {**form, "amount": "901"})
    assert again.status_code == 409
    assert "already recorded as paid" in again.get_data(as_text=True)


def test_a_patent_with_annuities_stays_a_patent_and_only_patents_are_reminded():
    achievement = make_achievement()
    pm = achievement.project.pm
    right = make_patent(achievement)
    services.add_annuity(pm, right, year_no=3, due_on=date(2027, 3, 1), fee=Decimal("900"))
    _commit()
    with pytest.raises(Invalid) as refused:
        _right(achievement, right, kind=RightKind.KNOW_HOW, patent_type=None, number="",
               title=right.title, status=RightStatus.FILED)
    assert "kind" in _problems(refused)
    db.session.rollback()
    assert scan.scan(date(2027, 3, 2)).found == 1
    right.kind = RightKind.SOFTWARE  # as data brought in before the rule: not a patent
    _commit()
    assert scan.scan(date(2027, 3, 3)).found == 0
