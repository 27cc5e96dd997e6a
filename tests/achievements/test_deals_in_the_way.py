"""One achievement, several deals: an exclusive licence in force leaves no room for another
licence, and after an assignment or a contribution for equity the institute no longer holds
what it would license (a newcomer recorded two exclusive licences and then an assignment of
one achievement to three enterprises). Non-exclusive licences stand side by side."""

from __future__ import annotations

from datetime import date

import pytest

from tests.achievements.helpers import make_achievement, make_patent, make_transfer
from tests.factories import make_user
from tracker.accounts.models import Role
from tracker.achievements import deals
from tracker.errors import Invalid


@pytest.fixture
def achievement():
    """Of a project begun on 1 January 2026, with a patent filed on 1 March 2024: dealt in
    from then on."""
    achievement = make_achievement()
    make_patent(achievement)
    return achievement


def _refused(achievement, **values) -> str:
    with pytest.raises(Invalid) as refused:
        make_transfer(achievement, **values)
    return dict(refused.value.problems)["kind"]


def test_an_exclusive_licence_in_force_leaves_no_room_for_another_licence(achievement):
    make_transfer(achievement, signed_on=date(2026, 1, 15))
    said = _refused(achievement, kind="exclusive_licence", signed_on=date(2026, 3, 1))
    assert "Exclusive licence" in said and "Jan 15, 2026" in said
    assert _refused(achievement, kind="non_exclusive_licence", signed_on=date(2026, 3, 1))
    # a licence that ended before leaves room
    other = make_achievement(title="Second")
    make_patent(other, number="CN202410654321.0")
    make_transfer(other, signed_on=date(2025, 1, 15), ends_on=date(2026, 1, 1))
    assert make_transfer(other, signed_on=date(2026, 1, 1)).id


def test_after_an_assignment_nothing_more_is_licensed(achievement):
    make_transfer(achievement, kind="transfer", signed_on=date(2026, 1, 15), royalty_pct=0,
                  minimum_royalty=0, reporting_months=0, royalty_base=None)
    assert _refused(achievement, kind="non_exclusive_licence", signed_on=date(2026, 5, 1))
    # an exclusive licence that ran out before the assignment was signed stands beside it
    earlier = make_transfer(achievement, kind="exclusive_licence", signed_on=date(2025, 1, 1),
                            ends_on=date(2026, 1, 1))
    assert earlier.id


def test_non_exclusive_licences_stand_side_by_side(achievement):
    assert make_transfer(achievement, kind="non_exclusive_licence").id
    assert make_transfer(achievement, kind="non_exclusive_licence").id


def test_a_deal_saved_again_is_not_in_its_own_way(achievement):
    actor = make_user(Role.HQ_ADMIN)
    deal = make_transfer(achievement, actor=actor)
    fields = {name: getattr(deal, name) for name in (
        "enterprise_id", "signed_on", "ends_on", "upfront", "royalty_pct", "minimum_royalty",
        "reporting_months", "report_days", "payment_days", "contributor_pct",
        "override_reason", "ip_deal_id", "upfront_due_on")}
    saved = deals.save_transfer(actor, achievement, deal, kind=deal.kind.value,
                                royalty_base=deal.royalty_base.value,
                                **{**fields, "ends_on": date(2030, 1, 1)})
    assert saved.ends_on == date(2030, 1, 1)
