"""A reference cell that names nothing is said once, beside its column: the form fields it
fills are not said again, nor what rests on them, and no message shows a record's internal
id (issue 13, found by an HQ admin's check: a grant to an unknown e-mail was also told "Not
one of the choices: —. Write one of 0 (Not a user: ...)" in no column, "Write one of 9
(Pool 3)" and "Choose one of the company's incentive pools" beside a pool it named)."""

from __future__ import annotations

from werkzeug.datastructures import MultiDict

from tests.imports.helpers import run
from tests.imports.test_incentive_grants import KEYS, SHARES, _company, _setting
from tracker.imports import form_problems
from tracker.imports.models import ImportState
from tracker.incentives.forms import GrantForm
from tracker.incentives.granting import pools


def test_an_unknown_person_is_said_once_and_the_pool_named_is_taken():
    admin = _setting()
    for person in ("nobody@import.cn", "NOBODY@import.cn"):
        result = run(admin, "incentive_grants", [KEYS, [SHARES[0], person, *SHARES[2:]]])
        assert result.state is ImportState.FAILED
        assert result.errors == [[2, "Person", f"No user has the e-mail {person}: import users "
                                               "first, or give the person's name."]]


def test_a_record_a_form_refuses_is_offered_by_its_name_never_its_id():
    _setting()
    [pool] = pools(_company())
    form = GrantForm(formdata=MultiDict({"pool_id": str(pool.id + 100)}), pools=[pool])
    form.validate()
    [said] = form_problems.errors(form)["pool_id"]
    assert said == f"Not one of the choices: {pool.id + 100}. Write one of {pool.shown_name}."
