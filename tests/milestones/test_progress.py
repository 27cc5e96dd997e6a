"""A project's progress is its milestones' percent complete weighted by their weights (issue
9, small 7: the weights were stored and used nowhere): the rule as a table, then the project
page saying it in both languages."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest

from tests.conftest import login, post
from tests.factories import make_project
from tracker import db
from tracker.milestones.models import Milestone, MilestoneState
from tracker.milestones.progress import weighted_progress
from tracker.projects.lifecycle import Phase

A, W, P, IP = (MilestoneState.ACCEPTED, MilestoneState.WAIVED, MilestoneState.PLANNED,
               MilestoneState.IN_PROGRESS)


def _m(weight: str, state: MilestoneState, percent: int) -> Milestone:
    return Milestone(weight=D(weight), state=state, percent_complete=percent)


@pytest.mark.parametrize(("milestones", "progress"), [
    ([], None),  # nothing planned: no progress to say, not 0 %
    ([_m("1", IP, 40)], D("40.00")),
    ([_m("1", IP, 50), _m("1", P, 0)], D("25.00")),
    ([_m("3", IP, 50), _m("1", P, 0)], D("37.50")),  # the heavier one counts three times
    ([_m("1", A, 60), _m("1", P, 0)], D("50.00")),  # accepted: in full, whatever was posted
    ([_m("2", W, 0), _m("1", IP, 30)], D("30.00")),  # waived: counts no more
    ([_m("0", IP, 90), _m("1", IP, 10)], D("10.00")),  # weight 0: weighs nothing
    ([_m("0", IP, 90), _m("1", W, 0)], None),
    ([_m("1", IP, 1), _m("1", IP, 0), _m("1", IP, 0)], D("0.33")),  # rounded half up, 0.01 %
    ([_m("1", IP, 2), _m("1", IP, 0), _m("1", IP, 0)], D("0.67")),
])
def test_progress_is_the_percent_complete_weighted_by_the_weights(milestones, progress):
    assert weighted_progress(milestones) == progress


@pytest.mark.parametrize(("locale", "said"), [
    ("en", "Progress: 62.50%, the milestones' percent complete weighted by their weights"),
    ("zh_CN", "进度：62.50%，即各里程碑完成百分比按其权重加权")])
def test_the_project_page_says_its_weighted_progress(client, locale, said):
    project = make_project(phase=Phase.CONTRACT_RESEARCH)
    for title, weight, percent in (("Pilot line", "3", 50), ("Field test", "1", 100)):
        db.session.add(Milestone(project_id=project.id, phase=Phase.CONTRACT_RESEARCH,
                                 title=title, deliverable="", due_date=date(2027, 6, 30),
                                 weight=D(weight), state=IP, percent_complete=percent))
    db.session.commit()
    login(client, project.pm)
    post(client, "/language", {"locale": locale})
    page = client.get(f"/projects/{project.id}").get_data(as_text=True)
    assert said in page.replace("&#39;", "'").replace("\u00a0", " ")
