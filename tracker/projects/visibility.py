"""The projects a user may see, as SQL for lists: the SQL form of `Project.can_view` (a test
checks the two agree), which every list limited to what its reader may see filters by.

The condition has one form for each kind of viewer (`Shape`: whether they direct institutes,
sit on panels, belong to an enterprise) and names who they are as parameters: their id, the
institutes they direct, their enterprise (`values`). A statement built once a process (the
overdue list's page, the institutes' drop-down) takes the form alone (`condition`) and runs
with the viewer's `values`; a statement built at each request takes `visible_to`, the same form
with the viewer's values given to its parameters. Either way one compiled form serves every
viewer of a kind, and a statement built once is neither built nor keyed again at each request
(building it and computing its cache key cost about 1 ms of a director's overdue list).
"""

from __future__ import annotations

from functools import cache
from typing import NamedTuple

from sqlalchemy import ColumnElement, Integer, bindparam, or_, select, true, union

from tracker.accounts.models import Role, User
from tracker.gates.condition_models import TO_CLEAR, Condition
from tracker.gates.models import Declaration, GateDecision, GateReview, PanelMember, ReviewState
from tracker.projects.history_models import PmHandover
from tracker.projects.models import Project, ProjectMember

# The parameters the condition names: the viewer, the institutes they direct, their enterprise.
VIEWER = "viewer_id"
INSTITUTES = "viewer_institutes"
ENTERPRISE = "viewer_enterprise"


class Shape(NamedTuple):
    """What changes the condition's form (never who the viewer is)."""

    directed: bool  # reaches projects through the institutes they direct
    evaluator: bool  # reaches projects through the panels they sit on
    enterprise: bool  # an evaluator of an enterprise (a stake in its projects)


def shape_of(user: User, directed: bool = True) -> Shape | None:
    """The form of the condition for `user` (None: they see every project). `directed=False`
    leaves out the way through the institutes they direct, for a caller that reaches those
    institutes by itself (`institute_choices`)."""
    if user.sees_whole_portfolio:
        return None
    evaluator = user.has_role(Role.EVALUATOR)
    return Shape(directed=directed and bool(user.directed_institute_ids), evaluator=evaluator,
                 enterprise=evaluator and user.enterprise_id is not None)


def values(user: User) -> dict:
    """The values of the condition's parameters for `user`."""
    return {VIEWER: user.id, INSTITUTES: sorted(user.directed_institute_ids),
            ENTERPRISE: user.enterprise_id}


def visible_to(user: User, directed: bool = True) -> ColumnElement[bool]:
    """The projects `user` may see, their values in the parameters: for a statement built at
    each request. `directed`: as `shape_of`."""
    shape = shape_of(user, directed)
    return true() if shape is None else _build(shape, values(user))


@cache
def condition(shape: Shape | None) -> ColumnElement[bool]:
    """The condition of viewers of `shape`, its parameters without values: for a statement
    built once a process, run with `values(user)`."""
    return true() if shape is None else _build(shape, None)


def directed_institutes(given: dict | None = None) -> ColumnElement:
    """The parameter of the institutes the viewer directs (with its value from `given`, else
    required at each run)."""
    return _parameter(INSTITUTES, given, expanding=True)


def _parameter(name: str, given: dict | None, **kw) -> ColumnElement:
    if given is None:
        return bindparam(name, type_=Integer(), required=True, **kw)
    return bindparam(name, given[name], type_=Integer(), **kw)


def _build(shape: Shape, given: dict | None) -> ColumnElement[bool]:
    """The projects one may see are the union of those reached by each way of seeing them,
    each through its own index (`pm_id`, `project_members(user_id)`, the handovers'
    `from_pm_id`...): an OR across tables in the list's WHERE would read every project to test
    each one."""
    viewer = _parameter(VIEWER, given)
    # Each subquery reads the projects table of its own, never the list's row (correlated).
    reached = [select(Project.id).where(Project.pm_id == viewer),
               select(ProjectMember.project_id).where(
                   ProjectMember.user_id == viewer, ProjectMember.confirmed),
               select(PmHandover.project_id).where(PmHandover.from_pm_id == viewer)]
    if shape.directed:
        reached.append(select(Project.id).where(
            Project.institute_id.in_(directed_institutes(given))))
    if shape.evaluator:
        # A partner's people have a stake in its projects: never reviewers of them.
        no_stake = (or_(Project.partner_enterprise_id.is_(None),
                        Project.partner_enterprise_id != _parameter(ENTERPRISE, given))
                    if shape.enterprise else true())
        reached.append(select(Project.id).join(GateReview, GateReview.project_id == Project.id)
                       .join(PanelMember).where(
                           GateReview.state == ReviewState.OPEN, PanelMember.user_id == viewer,
                           PanelMember.declaration == Declaration.NONE, no_stake))
        reached.append(select(Project.id).join(Condition, Condition.project_id == Project.id)
                       .join(GateDecision, Condition.decision_id == GateDecision.id)
                       .join(GateReview, GateDecision.review_id == GateReview.id).where(
                           GateReview.chair_id == viewer, Condition.state.in_(TO_CLEAR),
                           no_stake))
    return Project.id.in_(union(*(ways.correlate(None) for ways in reached)))
