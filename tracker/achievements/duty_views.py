"""The list of licence and patent duties that are late (issue 16, T23): HQ's of the network, a
director's of their institutes, a PM's of their projects (`duties.visible_to`), in the menu
and linked from the home pages of HQ admins and directors."""

from __future__ import annotations

from flask import Blueprint, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.wrappers import Response

from tracker.achievements import duties
from tracker.achievements.models import Achievement
from tracker.dates import today
from tracker.export import responses as exports
from tracker.export.columns import Column, Kind
from tracker.organisations.models import Institute
from tracker.reports.filters import institute_choices
from tracker.web.navigation import choice_arg, page_of, row_arg
from tracker.web.permissions import acting_user, requires

bp = Blueprint("duties", __name__)


def _duty_url(duty: duties.Duty) -> str:
    endpoint, values = duty.item.link
    return url_for(endpoint, **values)


COLUMNS = [
    Column(_l("Due on"), lambda d: d.item.deadline, Kind.DATE, 12),
    Column(_l("Days late"), lambda d: d.days_late(today()), Kind.INT, 10, tone=lambda d: "bad"),
    Column(_l("Duty"), lambda d: str(d.rule.label), width=28),
    Column(_l("Licence or patent"), lambda d: d.item.shown_title(), width=40, link=_duty_url),
    Column(_l("Outstanding"), lambda d: d.outstanding, Kind.MONEY, 14),
    Column(_l("Project"), lambda d: d.item.project, Kind.CODE, 16),
    Column(_l("Institute"), lambda d: d.institute, width=24),
]


@bp.get("/achievements/late-duties")
@requires(Achievement.can_list)
def late() -> str | Response:
    """Patent annuities, royalty reports and payments, upfront payments late, most late first;
    `?institute=` and `?duty=` (one of the reminder rules) filter, in SQL; a page shown at a
    time (`?page=`), every one in the file (`?export=`)."""
    user = acting_user()
    rule = choice_arg("duty", _l("Duty"), duties.DUTY_RULES)
    institute_id = row_arg("institute", _l("Institute"), Institute)
    rows = duties.visible_to(user, today(), institute_id, rule)
    if fmt := exports.requested():
        return exports.send(COLUMNS, rows, "late-ip-duties", fmt,
                            title=_("Late licence and patent duties"))
    return render_template("achievements/late_duties.html", page=page_of(rows), columns=COLUMNS,
                           rule=rule, rules=[duties.RULES[name] for name in duties.DUTY_RULES],
                           institute_id=institute_id, institutes=institute_choices(user))
