"""One macro shows a form's errors (macros/forms.html: errors), for a field, a cell of a row and
a list of rows alike, lazy messages included; and what a service refuses about no field of
the form still opens it, in its error summary."""

from __future__ import annotations

import re
from pathlib import Path

import lxml.html
import pytest
from flask import render_template_string
from flask_babel import lazy_gettext as _l
from wtforms import FieldList, FormField, StringField

from tests.conftest import login, post
from tests.factories import make_project, make_user
from tests.test_error_summary import summary
from tracker.accounts.models import Role
from tracker.errors import Invalid
from tracker.projects.lifecycle import Phase
from tracker.web.forms import Form

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
# `.errors` of something that is not a form: an import run's list of problems.
NOT_FORM_ERRORS = {("imports/run.html", "run.errors")}


@pytest.mark.no_db
def test_only_the_macro_shows_form_errors():
    """A template that loops over a form's errors itself shows some and drops others (lazy
    messages were dropped by `is string` on five pages); the macro shows them all."""
    found = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        name = str(path.relative_to(TEMPLATES))
        if name == "macros/forms.html":
            continue
        for expression in re.findall(r"(?<!['\"\w.])[\w.]+\.errors\b", path.read_text()):
            if (name, expression) not in NOT_FORM_ERRORS:
                found.append(f"{name}: {expression}")
    assert found == [], "show these through the errors macro:\n" + "\n".join(found)


class Row(Form):
    text = StringField("Text")


class Rows(Form):
    rows = FieldList(FormField(Row), min_entries=2)


def test_the_macro_shows_a_lists_lazy_messages_and_leaves_its_rows_to_their_cells(app):
    with app.test_request_context():
        form = Rows()
        form.validate()
        form.rows.errors = [{"text": ["row problem"]}, _l("The list's own lazy problem."),
                            "A plain one."]
        html = render_template_string(
            '{% from "macros/forms.html" import errors %}{{ errors(form.rows) }}', form=form)
    shown = [p.text_content() for p in lxml.html.fromstring(f"<div>{html}</div>").xpath("//p")]
    assert shown == ["The list's own lazy problem.", "A plain one."]
    assert 'id="rows-error"' in html


def test_a_service_problem_about_no_field_of_the_form_is_in_the_summary(client, monkeypatch):
    """The service names a field the form does not show: the problem still opens the form,
    in its summary at the top, and nothing is saved."""
    from tracker.funding import refusals
    from tracker.funding import services as funding

    def refuses(*args, **kwargs):
        raise Invalid("no_such_field", "The committee's rule of the whole agreement.",
                      [("co_funders-7-name", "A row the form does not have.")])

    monkeypatch.setattr(funding, "record_agreement", refuses)
    project = make_project(phase=Phase.INVESTMENT_DECISION)
    login(client, make_user(Role.INVESTMENT_COMMITTEE))
    response = post(client, f"/projects/{project.id}/funding/agreement", {
        "committed": "1000000", "hq_ratio": "1", "discount_pct": "0",
        "qualifying_round_min": "30000000", "signed_on": "2026-01-05",
        "conversion_deadline": "2028-01-05"})
    assert response.status_code == 400
    entries = summary(response.get_data(as_text=True))
    assert ("", "The committee's rule of the whole agreement.") in entries, entries
    # A row the list has not: the list's own error, linked to its first row.
    assert any(text == "A row the form does not have." and target.startswith("co_funders-")
               for target, text in entries), entries
    assert refusals.agreement_of(project) is None
