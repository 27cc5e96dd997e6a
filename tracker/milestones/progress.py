"""A project's progress: its milestones' percent complete, each weighted by its weight (domain:
"progress/percent complete weighted by milestone weights"; a weight is a milestone's share of
the project's progress beside the others, 2 counting twice as much as 1). An accepted milestone
counts as 100 %, whatever its last post said; a waived one counts no more (HQ decided the
project goes on without it), and nor does one of weight 0. Rounded as every percentage shown is
(`tracker.money.percent`). Pure: the project page passes the milestones it has read."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from tracker.milestones.models import Milestone, MilestoneState
from tracker.money import HUNDRED, ZERO, percent


def weighted_progress(milestones: Iterable[Milestone]) -> Decimal | None:
    """Per cent complete of the work the milestones weigh; None when none weighs anything (no
    milestone planned, or all waived or of weight 0): no progress to say, not 0 %."""
    done, weighed = ZERO, ZERO
    for milestone in milestones:
        if milestone.state is MilestoneState.WAIVED or not milestone.weight:
            continue
        complete = (HUNDRED if milestone.state is MilestoneState.ACCEPTED
                    else Decimal(milestone.percent_complete))
        done += milestone.weight * complete / HUNDRED
        weighed += milestone.weight
    return percent(done, weighed) if weighed else None
