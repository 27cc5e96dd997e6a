"""A change that another of the same plan waits on is not offered: the project's page of changes
says why in place of its form (found by a newcomer on the demo: the PM's page offered every form
while a new total and a new end date waited, and each could only be refused, 409, with a
sentence sending the PM to "the project's list of changes", the page they were on). What is
still possible stays offered; the person a change waits about is not offered to the team."""

from __future__ import annotations

import html
from datetime import timedelta
from decimal import Decimal

import pytest

from tests.changes.test_budget_and_plan import _project
from tests.conftest import login, post
from tests.factories import _commit, make_user
from tests.reminders import helpers
from tracker.accounts.models import Role
from tracker.changes import services
from tracker.changes.models import ChangeState
from tracker.dates import today

# Where the sentence points, said on the project's page of changes; never the page itself.
BELOW = {"en": "its page is linked below, under Change requests",
         "zh_CN": "见下方“变更申请”中的链接"}
ITSELF = {"en": "in the project's list of changes", "zh_CN": "见项目的变更列表"}


def _page(client, project) -> str:
    return html.unescape(client.get(f"/projects/{project.id}/changes").get_data(as_text=True))


def _add(page: str) -> str:
    """The page's part to add a team member (its form, or why there is none)."""
    part = page[page.index("<summary>Add a team member</summary>"):]
    return part[:part.index("</details>")]


def _action(project, kind: str) -> str:
    return f'action="/projects/{project.id}/changes/{kind}"'


@pytest.mark.parametrize("locale", ["en", "zh_CN"])
def test_a_new_total_waiting_takes_the_budget_forms_off_and_says_why_there(client, locale):
    project = _project()
    waiting = services.change_total(project.pm, project, budget_total=Decimal("3200000.00"),
                                    reason="Second campaign")
    _commit()
    assert waiting.state in (ChangeState.ENDORSING, ChangeState.PENDING)
    project.pm.locale = locale
    _commit()
    login(client, project.pm)
    page = _page(client, project)
    for kind in ("move", "total"):
        assert _action(project, kind) not in page, kind
        assert f'id="waiting-{kind}"' in page
    for kind in ("route", "end"):  # not of the same plan: still offered
        assert _action(project, kind) in page, kind
    assert BELOW[locale] in page and ITSELF[locale] not in page
    assert f"/changes/{waiting.id}" in page  # the link the sentence points to is there

    # A form sent from a page drawn before is refused with the same sentence, said there.
    equipment, materials = project.budget_lines
    refused = post(client, f"/projects/{project.id}/changes/move", {
        "move-from_line_id": str(equipment.id), "move-to_line_id": str(materials.id),
        "move-amount": "1000", "move-reason": "Cheaper rig"})
    assert refused.status_code == 409
    said = html.unescape(refused.get_data(as_text=True))
    assert BELOW[locale] in said and ITSELF[locale] not in said


def test_an_end_date_waiting_takes_only_the_end_date_form_off(client):
    project = _project()
    services.change_end_date(project.pm, project, end_date=project.end_date + timedelta(days=200),
                             reason="The enterprise adds a field trial")
    _commit()
    login(client, project.pm)
    page = _page(client, project)
    assert _action(project, "end") not in page and 'id="waiting-end"' in page
    for kind in ("move", "total", "route"):
        assert _action(project, kind) in page, kind


def test_the_person_a_handover_waits_about_is_not_offered_to_the_team(client):
    old_pm, director, _hq, _evaluator = helpers.people(pm_locale="en")
    project = helpers.project_for(old_pm, director)
    new_pm = make_user(Role.PROJECT_MANAGER, locale="en", name="Zhao Lei")
    new_pm.institute_id = project.institute_id
    _commit()
    login(client, old_pm)
    assert "Zhao Lei" in _add(_page(client, project))
    waiting = services.hand_over(old_pm, project, user_id=new_pm.id, reason="Moving to SITI")
    _commit()
    assert waiting.state is ChangeState.PENDING and project.end_date > today()
    page = _page(client, project)
    assert _action(project, "handover") not in page and 'id="waiting-handover"' in page
    assert "Zhao Lei" not in _add(page)
