"""What an annuity is listed on (issue 16 T2/T17, found by a newcomer): only a patent pending or
granted lists one, its year within the term of its kind, its fee above zero; and a patent's
filing date, moved, stays before each of its annuities."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from tests.achievements.helpers import make_achievement, make_patent
from tests.conftest import login, post
from tests.factories import _commit
from tracker.achievements import services
from tracker.achievements.models import PatentType, RightStatus
from tracker.errors import Invalid, Refused

DUE = date(2027, 3, 1)


def _add(right, **values):
    return services.add_annuity(right.achievement.project.pm, right, **{
        "year_no": 3, "due_on": DUE, "fee": Decimal("900"), **values})


@pytest.mark.parametrize("status", [RightStatus.LAPSED, RightStatus.ABANDONED])
def test_a_lapsed_or_abandoned_patent_lists_no_new_annuity(status):
    right = make_patent(make_achievement(), status=status)
    with pytest.raises(Refused) as refused:
        _add(right)
    assert "pending or granted" in str(refused.value)
    assert right.annuities == []


@pytest.mark.parametrize(("kind", "term"), [(PatentType.INVENTION, 20),
                                            (PatentType.UTILITY_MODEL, 10),
                                            (PatentType.DESIGN, 15)])
def test_a_year_beyond_the_term_of_the_patent_s_kind_is_refused_naming_it(kind, term):
    right = make_patent(make_achievement())
    right.patent_type = kind
    _commit()
    with pytest.raises(Invalid) as refused:
        _add(right, year_no=term + 1)
    said = dict(refused.value.problems)["year_no"]
    assert f"at most {term} years" in said and f"year {term + 1}" in said
    assert _add(right, year_no=term).year_no == term


@pytest.mark.parametrize("fee", ["0", "-1"])
def test_a_fee_is_more_than_zero(fee):
    right = make_patent(make_achievement())
    with pytest.raises(Invalid) as refused:
        _add(right, fee=Decimal(fee))
    assert "more than 0" in dict(refused.value.problems)["fee"]


def test_the_form_refuses_listing_on_a_lapsed_patent(client):
    achievement = make_achievement()
    right = make_patent(achievement, status=RightStatus.LAPSED)
    login(client, achievement.project.pm)
    response = post(client, f"/ip-rights/{right.id}/annuities",
                    {"year_no": "3", "due_on": "2027-03-01", "fee": "900"})
    assert response.status_code == 409
    assert "pending or granted" in response.get_data(as_text=True)


def test_a_filing_date_moved_after_an_annuity_s_due_date_is_refused():
    right = make_patent(make_achievement())  # filed 2024-03-01
    _add(right, year_no=3, due_on=date(2026, 3, 1))
    _commit()
    values = {"kind": right.kind, "patent_type": right.patent_type, "title": right.title,
              "number": right.number, "jurisdiction": right.jurisdiction,
              "status": right.status, "granted_on": right.granted_on,
              "attorney_costs": right.attorney_costs}
    pm = right.achievement.project.pm
    with pytest.raises(Invalid) as refused:
        services.save_right(pm, right.achievement, right, filed_on=date(2026, 3, 1), **values)
    said = dict(refused.value.problems)["filed_on"]
    assert "year 3" in said and "falls due after the patent is filed" in said
    saved = services.save_right(pm, right.achievement, right, filed_on=date(2024, 2, 1),
                                **values)
    assert saved.filed_on == date(2024, 2, 1)
