"""A refusal caused by state says the state (issue 9 point 6): the 409 names the record's state
with its label in the reader's language, says what to do instead, and links back to the record
(never only to the home page). A table over the state guards of the project, its milestones and
its gate's conditions, each sent by who may act while the record's state refuses it, in English
and in Chinese."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date

import pytest
from flask_babel import force_locale

from tests.companies.helpers import make_milestone
from tests.conftest import login, post
from tests.factories import _commit, make_project, make_user
from tracker.accounts.models import Role
from tracker.display.labels import label
from tracker.milestones.models import MilestoneState
from tracker.projects.lifecycle import Phase


def _trl_on_terminated():
    project = make_project(phase=Phase.TERMINATED, start_date=date(2025, 1, 1))
    return (project.pm, f"/projects/{project.id}/trl", {"level": "5", "note": "Bench test"},
            Phase.TERMINATED, f"/projects/{project.id}", "what to do instead: HQ corrects")


def _resume_under_way():
    project = make_project(phase=Phase.CONTRACT_RESEARCH, start_date=date(2025, 1, 1))
    return (make_user(Role.HQ_ADMIN), f"/projects/{project.id}/resume",
            {"reason": "Funding found"}, Phase.CONTRACT_RESEARCH, f"/projects/{project.id}",
            "only a project on hold")


def _withdraw_submitted():
    project = make_project(phase=Phase.CONTRACT_RESEARCH, start_date=date(2025, 1, 1))
    return (project.pm, f"/projects/{project.id}/withdraw", {}, Phase.CONTRACT_RESEARCH,
            f"/projects/{project.id}", "only a draft")


def _edit_accepted_milestone():
    project = make_project(phase=Phase.CONTRACT_RESEARCH, start_date=date(2025, 1, 1))
    milestone = make_milestone(project, MilestoneState.ACCEPTED)
    return (project.pm, f"/milestones/{milestone.id}/edit", {"title": "Prototype joint v2"},
            MilestoneState.ACCEPTED, f"/milestones/{milestone.id}", "Plan a new milestone")


def _reviewer_for_waived_milestone():
    project = make_project(phase=Phase.CONTRACT_RESEARCH, start_date=date(2025, 1, 1))
    milestone = make_milestone(project, MilestoneState.WAIVED)
    return (make_user(Role.HQ_ADMIN), f"/milestones/{milestone.id}/reviewer",
            {"reviewer_id": str(make_user(Role.EVALUATOR).id)}, MilestoneState.WAIVED,
            f"/milestones/{milestone.id}", "needs no reviewer")


CASES: dict[str, Callable] = {
    "a TRL on a terminated project": _trl_on_terminated,
    "resuming a project under way": _resume_under_way,
    "withdrawing a submitted proposal": _withdraw_submitted,
    "editing an accepted milestone": _edit_accepted_milestone,
    "a reviewer for a waived milestone": _reviewer_for_waived_milestone,
}
# What the advice reads in Chinese, by the English words the case looks for.
ADVICE_ZH = {"what to do instead: HQ corrects": "由总部更正", "only a project on hold":
             "只有暂缓中的项目", "only a draft": "只有草稿", "Plan a new milestone": "新的里程碑",
             "needs no reviewer": "无需评审人"}


@pytest.mark.parametrize("locale", ["en", "zh_CN"])
@pytest.mark.parametrize("case", sorted(CASES))
def test_a_refusal_by_state_names_the_state_and_links_to_the_record(client, case, locale):
    actor, path, data, state, record, advice = CASES[case]()
    actor.locale = locale
    _commit()
    login(client, actor)
    refused = post(client, path, data)
    page = refused.get_data(as_text=True)
    assert refused.status_code == 409, page[:500]
    with force_locale(locale):
        shown = str(label(state))
    assert shown in page or shown.lower() in page, (shown, page[:2000])
    said = advice.removeprefix("what to do instead: ") if locale == "en" else ADVICE_ZH[advice]
    assert said in page
    # A link to the record, or the record's own page shown again (its forms, tabs and history
    # link carry its address): never only the home page.
    assert re.search(rf'(href|action)="[^"]*{record}[/"]', page), record

