"""Every holder of a unified social credit code checks it one way (`check_uscc`): the code
normalised, a mistyped one said beside the field, one another record of its kind has refused,
and an institute that is no legal entity of its own refused one at all."""

import pytest

from tests.companies.helpers import make_company
from tests.factories import make_enterprise, make_institute, make_project, make_user, uscc_for
from tracker.accounts.models import Role
from tracker.companies import services as companies
from tracker.errors import Invalid
from tracker.organisations import services as organisations
from tracker.organisations.models import Enterprise, Institute
from tracker.partners import services as partners
from tracker.partners.models import PartnerKind
from tracker.projects.lifecycle import Phase

MISTYPED = "91350100M000100Y44"  # the standard's example with its check character changed


def _enterprise(code):
    organisations.check_enterprise(Enterprise(), {"uscc": code})


def _institute(code, legal_entity=True):
    organisations.check_institute(Institute(), {"code": "NEW", "uscc": code,
                                                "legal_entity": legal_entity})


def _company(code):
    companies.check_company(None, {"uscc": code, "registered_on": None})


def _partner(code):
    partners.save_partner(make_user(Role.HQ_ADMIN), None, name="苏州银行", name_en="",
                          kind=PartnerKind.BANK, level=None, uscc=code)


def _taken_by_enterprise():
    return make_enterprise().uscc


def _taken_by_institute():
    return make_institute(uscc=uscc_for(990001), legal_entity=True).uscc


def _taken_by_company():
    return make_company(make_project(phase=Phase.SPIN_OFF)).uscc


def _taken_by_partner():
    return partners.save_partner(make_user(Role.HQ_ADMIN), None, name="中国银行", name_en="",
                                 kind=PartnerKind.BANK, level=None,
                                 uscc=uscc_for(990002)).uscc


HOLDERS = {
    "enterprise": (_enterprise, _taken_by_enterprise),
    "institute": (_institute, _taken_by_institute),
    "company": (_company, _taken_by_company),
    "partner": (_partner, _taken_by_partner),
}


def _uscc_problems(check, code) -> list[str]:
    with pytest.raises(Invalid) as raised:
        check(code)
    return [message for field, message in raised.value.problems if field == "uscc"]


@pytest.mark.parametrize("holder", HOLDERS)
def test_a_mistyped_code_is_said_why(holder):
    check, _taken = HOLDERS[holder]
    assert _uscc_problems(check, f" {MISTYPED.lower()} ") == [
        "The check character (the last one) does not match: a character was mistyped."]


@pytest.mark.parametrize("holder", HOLDERS)
def test_a_code_another_of_its_kind_has_is_refused(holder):
    check, taken = HOLDERS[holder]
    assert _uscc_problems(check, taken().lower()) == [
        f"Another {holder} already has this code."]


def test_an_institute_no_legal_entity_has_no_code():
    assert _uscc_problems(lambda code: _institute(code, legal_entity=False), MISTYPED) == [
        "Only an institute that is a legal entity of its own has a unified social credit code."]


def test_the_code_is_normalised_where_it_is_saved():
    values = {"uscc": f" {uscc_for(990003).lower()} "}
    organisations.check_enterprise(Enterprise(), values)
    assert values["uscc"] == uscc_for(990003)
