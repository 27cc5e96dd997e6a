"""The rules a page reads every request build their statements once a process
(`tracker.reminders.query.built_once`) and run them with each query's values: a director's
home asks whether the milestones, instalments and reports it was escalated are still open, for
other items, another owner and another day than the request that built the statement."""

from __future__ import annotations

from datetime import date

from tests.reminders import helpers
from tracker.milestones.models import MilestoneState
from tracker.reminders import query
from tracker.reminders.delivery import open_deadlines
from tracker.reminders.query import Query
from tracker.reminders.rules import RULES


def test_escalated_items_are_read_with_each_request_s_values():
    pm, director, _hq, _evaluator = helpers.people()
    other_pm, other_director, _hq2, _evaluator2 = helpers.people()
    first = helpers.milestone(helpers.project_for(pm, director), date(2026, 5, 1), title="One")
    second = helpers.milestone(helpers.project_for(other_pm, other_director), date(2026, 6, 1),
                               title="Two")
    one = helpers.instalment(first.project, date(2026, 5, 2))
    two = helpers.instalment(second.project, date(2026, 6, 2))
    milestones, instalments = RULES["milestone_due"], RULES["instalment_due"]

    def titles(rule, q):
        return sorted(item.title for item in rule.items(q))

    assert open_deadlines(milestones, {first.id}) == {first.id: date(2026, 5, 1)}
    assert open_deadlines(instalments, {one.id}) == {one.id: date(2026, 5, 2)}
    assert titles(milestones, Query(until=date(2026, 5, 15), owner_id=pm.id)) == ["One"]
    built = len(query._BUILT)
    assert open_deadlines(milestones, {second.id}) == {second.id: date(2026, 6, 1)}
    assert open_deadlines(instalments, {two.id, one.id}) == {
        one.id: date(2026, 5, 2), two.id: date(2026, 6, 2)}
    assert titles(milestones, Query(until=date(2026, 6, 15), owner_id=other_pm.id)) == ["Two"]
    assert titles(milestones, Query(until=date(2026, 5, 15), owner_id=other_pm.id)) == []
    helpers.set_state(second, MilestoneState.ACCEPTED)
    assert open_deadlines(milestones, {first.id, second.id}) == {first.id: date(2026, 5, 1)}
    assert len(query._BUILT) == built
