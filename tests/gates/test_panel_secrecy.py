"""The panel is not named to the applicants (评审专家名单保密; `GateReview.can_see_panel`): on a
gate review's page the project's PM and team read the panel's size, not who sits on it, who
chairs it, who declared a conflict or why, nor who recorded the decision; they read the
decision with its conditions. The review's history names no evaluator to them either (its
actor, the panel, the chair, the member who declared or scored). HQ, the institute's director
and the panel read the names as before."""

from __future__ import annotations

import pytest

from tests.factories import _commit, install_gates, make_institute, make_project, make_user
from tests.gates import helpers
from tests.gates.test_score_history import _body
from tracker.accounts.models import Role
from tracker.db import utcnow
from tracker.gates import decisions, services
from tracker.gates.models import Outcome
from tracker.projects.models import ProjectMember

NOTE = "Co-author of a 2024 paper with the PM"
WORDS = {"en": {"size": "A panel of 4 evaluators", "unnamed": "a member of the panel",
                "chair": "the chair of the panel"},
         "zh_CN": {"size": "评审专家组共 4 人", "unnamed": "一位评审组成员", "chair": "评审组组长"}}


@pytest.fixture(autouse=True)
def _gates():
    install_gates()


def _decided():
    """A panel of four: one declares a conflict with a note, three score, the chair records a
    GO; the PM has a confirmed teammate."""
    director = make_user()
    project = make_project(institute=make_institute(director))
    teammate = make_user()
    project.members.append(ProjectMember(user_id=teammate.id, confirmed_at=utcnow()))
    review = helpers.submit(project)
    chair, second, third, fourth = helpers.name_panel(review, size=4)
    services.declare(fourth, review, True, NOTE)
    for evaluator in (chair, second, third):
        helpers.score(review, evaluator, value=5)
    decisions.decide(chair, review, review.version, Outcome.GO)
    _commit()
    people = {"hq": make_user(Role.HQ_ADMIN), "director": director, "chair": chair,
              "pm": project.pm, "teammate": teammate}
    return review, people, (chair, second, third, fourth)


def test_the_rule_is_the_review_s_one_predicate():
    review, people, panel = _decided()
    assert not review.can_see_panel(people["pm"])
    assert not review.can_see_panel(people["teammate"])
    for who in ("hq", "director", "chair"):
        assert review.can_see_panel(people[who]), who


@pytest.mark.parametrize("locale", ["en", "zh_CN"])
def test_the_applicants_read_the_panel_s_size_and_the_decision_but_no_name(client, locale):
    review, people, panel = _decided()
    words = WORDS[locale]
    address = f"/reviews/{review.id}"
    for who in ("pm", "teammate"):
        body = _body(client, people[who], locale, address)
        assert words["size"] in body, who
        for evaluator in panel:
            assert evaluator.name not in body, (who, evaluator.name)
        assert NOTE not in body, who
        assert words["chair"] in body, who  # the decision, by the chair, unnamed
    for who in ("hq", "director"):
        body = _body(client, people[who], locale, address)
        assert all(evaluator.name in body for evaluator in panel), who
        assert words["size"] not in body, who
    assert NOTE in _body(client, people["hq"], locale, address)


@pytest.mark.parametrize("locale", ["en", "zh_CN"])
def test_the_review_s_history_names_no_evaluator_to_the_applicants(client, locale):
    review, people, panel = _decided()
    words = WORDS[locale]
    address = f"/history/gate_reviews/{review.id}"
    for who in ("pm", "teammate"):
        body = _body(client, people[who], locale, address)
        assert words["unnamed"] in body, who  # the declarations and scorecards, by no name
        for evaluator in panel:
            assert evaluator.name not in body, (who, evaluator.name)
    for who in ("hq", "director"):
        body = _body(client, people[who], locale, address)
        assert all(evaluator.name in body for evaluator in panel), who
        assert words["unnamed"] not in body, who
