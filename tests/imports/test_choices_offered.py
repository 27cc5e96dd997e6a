"""A value that is none of a column's choices is refused with the choices its form offers,
not every member of the choice's list (found as an HQ admin: a user's role written
"评审专家", now read as 总部评审专家 (`tests/imports/test_short_labels.py`), was refused with a
list naming external_expert and institute_director, each then
refused in turn as a choice the form does not offer; a milestone's phase listed draft and
completed; a condition's state listed superseded, and the funding outcome's note converted)."""

from __future__ import annotations

from flask_babel import force_locale

from tests.imports.helpers import run
from tests.imports.test_conditional_go import COLUMNS, _conditional
from tests.imports.test_projects import _setting
from tracker.imports import column_notes
from tracker.imports.columns import KINDS
from tracker.imports.models import ImportState


def test_a_role_that_is_no_choice_is_told_the_roles_a_user_is_given():
    admin, _pm = _setting()
    header = ["E-mail", "Full name", "Roles"]
    result = run(admin, "users", [header, ["new@import.cn", "New Person", "审稿人"]])
    assert result.state is ImportState.FAILED
    [(row, column, message)] = result.errors
    assert (row, column) == (2, "Roles")
    assert "enterprise_contact (Enterprise contact)" in message
    assert "institute_director" not in message and "external_expert" not in message


def test_a_milestones_phase_that_is_no_choice_is_told_the_phases_closed_by_a_gate():
    admin, _pm = _setting()
    header = ["Project code", "Title", "Phase", "Due date"]
    result = run(admin, "milestones", [header, ["TEST-2019-0042", "Pump", "pilot", "2020-01-01"]])
    [message] = [m for _r, c, m in result.errors if c == "Phase"]
    assert "contract_research (Contract research)" in message
    assert "draft" not in message and "completed" not in message


def test_a_conditions_state_that_is_no_choice_is_told_the_states_an_import_takes():
    """An imported condition is open, met or cleared: the refusal listed superseded too, which
    the import then refuses ("an imported condition is open, met or cleared")."""
    admin, _pm = _setting()
    row = _conditional(conditions="1: Pilot data | pm@import.cn | 2019-09-30 | done")
    result = run(admin, "projects", [COLUMNS, row])
    [message] = [m for _r, c, m in result.errors if c == "Conditions of a CONDITIONAL GO"]
    assert "confirmed (Cleared)" in message and "met (Met: awaiting confirmation)" in message
    assert "superseded" not in message


def test_the_funding_outcome_lists_only_the_outcomes_its_form_records():
    """The note (upload page, template, README) listed `converted`, which the funding form
    refuses: a conversion is recorded at the company's round, not as an outcome."""
    [outcome] = [c for c in KINDS["funding"].columns if c.key == "outcome"]
    with force_locale("en"):
        note = str(column_notes.shown(outcome))
    assert ("Closed as a grant (<code>grant</code>), Repaid (<code>repaid</code>), Substituted by "
            "another project (<code>substituted</code>)") in note
    assert "converted" not in note
