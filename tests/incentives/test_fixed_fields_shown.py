"""A grant's correction form shows what no longer changes as it is, read-only, with the sentence
why beside it, instead of taking a change the service refuses on saving (found by a newcomer on
the demo: 孙浩's grant, whose holder left, offered its whole schedule and exercise window to
correct; a change of either was refused, 409). The note is still corrected."""

from __future__ import annotations

import re

import pytest

from tests.conftest import login
from tests.incentives.test_exercise_window import _leave, _vested
from tests.incentives.test_grants import company, grant  # noqa: F401 - the fixture

FIXED = ("vesting_start", "vesting_months", "cliff_months", "exercise_window_days")


def _input(page: str, name: str) -> str:
    return re.search(rf'<input[^>]*\bname="{name}"[^>]*>', page).group(0)


@pytest.mark.parametrize("locale", ["en", "zh_CN"])
def test_a_leavers_grant_offers_only_what_still_changes(client, company, locale):  # noqa: F811
    alice = _vested(company, exercise_window_days=30)
    staying = grant(company, person_name="Bob")
    admin = _leave(alice, 40)
    admin.locale = locale
    login(client, admin)
    page = client.get(f"/incentives/grants/{alice.id}/edit").get_data(as_text=True)
    for name in FIXED:
        assert "readonly" in _input(page, name), name
    said = (("which ended the grant on this schedule", "which fixed the exercise window")
            if locale == "en" else ("离职，授予按此归属计划随之终止", "离职，行权期已随之确定"))
    assert said[0] in page and said[1] in page
    assert "readonly" not in page[page.index('name="note"') - 200:page.index('name="note"')]

    page = client.get(f"/incentives/grants/{staying.id}/edit").get_data(as_text=True)
    for name in FIXED:  # nothing depends on Bob's schedule yet: all of it is corrected
        assert "readonly" not in _input(page, name), name
