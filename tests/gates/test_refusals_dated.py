"""A panel's step taken twice is refused with the day it was taken (issue 9 point 6): a second
declaration, a second scorecard, a second decision and a correction of a decision already
corrected say when, in the reader's language, and what to do instead."""

from __future__ import annotations

import pytest
from flask_babel import force_locale

from tests.factories import install_gates, make_project
from tests.gates import helpers
from tracker.display.formatting import on_day
from tracker.display.labels import label
from tracker.errors import Refused
from tracker.gates import decisions
from tracker.gates import services as gates
from tracker.gates.models import Outcome

SAID = {
    "en": ["You declared on {declared} ({declaration}): if it was wrong, correct it",
           "You submitted your scores on {scored}: to correct them, use “Correct your scores”",
           "This review was decided on {decided} ({outcome}). Reload the page",
           "This decision was superseded on {corrected}: correct the one in force instead."],
    "zh_CN": ["您已于 {declared} 作出声明（{declaration}）：如有误，请点击评审组名单中您所在行",
              "您已于 {scored} 提交评分：如需更正，请点击评审组名单中您所在行的“更正您的评分”",
              "本次评审已于 {decided} 作出决定（{outcome}）。请刷新页面查看",
              "该决定已于 {corrected} 被更正决定取代：请改为更正现行有效的决定。"],
}


def _refused(attempt) -> str:
    with pytest.raises(Refused) as refused:
        attempt()
    return refused.value.message


@pytest.mark.parametrize("locale", ["en", "zh_CN"])
def test_a_step_of_the_panel_taken_twice_says_when_it_was_taken(app, locale):
    install_gates()
    review = helpers.submit(make_project())
    chair, member, third = helpers.name_panel(review)
    helpers.score(review, member)  # the review still open: a second declaration, scorecard
    seat = next(m for m in review.panel if m.user_id == member.id)
    with force_locale(locale):
        facts = dict(declared=on_day(seat.declared_at), declaration=label(seat.declaration),
                     scored=on_day(seat.submitted_at))
        said = SAID[locale]
        assert said[0].format(**facts) in _refused(
            lambda: gates.declare(member, review, conflict=False))
        assert said[1].format(**facts) in _refused(
            lambda: gates.submit_scores(member, review, {}, seat.recommendation))
    for evaluator in (chair, third):
        helpers.score(review, evaluator)
    first = decisions.decide(chair, review, review.version, Outcome.GO)
    correction = decisions.correct_decision(chair, first, review.version, Outcome.GO,
                                            reason="The rationale was missing",
                                            rationale="Meets every criterion")
    with force_locale(locale):
        facts = dict(decided=on_day(correction.decided_at), outcome=label(correction.outcome),
                     corrected=on_day(correction.decided_at))
        assert said[2].format(**facts) in _refused(lambda: decisions.decide(
            chair, review, review.version, Outcome.KILL, rationale="Duplicate"))
        assert said[3].format(**facts) in _refused(lambda: decisions.correct_decision(
            chair, first, review.version, Outcome.GO, reason="Again", rationale="Again"))
