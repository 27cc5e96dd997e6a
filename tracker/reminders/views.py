"""Reminder pages: the outbox and the working-day calendar (HQ admins; the ladders are on the
settings page, tracker/settings/views.py), each
user's preferences, and the secret calendar feed."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import login_required
from sqlalchemy import Select, func, select
from sqlalchemy.orm import selectinload

from tracker import db
from tracker.accounts.models import User
from tracker.dates import today
from tracker.export import responses as exports
from tracker.reminders import feed as calendar_feed
from tracker.reminders import forms, retries
from tracker.reminders import preferences as choices
from tracker.reminders.columns import OUTBOX_COLUMNS
from tracker.reminders.mail import external_url
from tracker.reminders.models import Channel, MessageState, OutboxMessage
from tracker.reminders.rules import RULES
from tracker.web.actions import press, saved_if_changed, submit
from tracker.web.forms import Button, Form
from tracker.web.navigation import choice_arg, paginate
from tracker.web.permissions import acting_user, loaded, requires
from tracker.workdays import services as workdays
from tracker.workdays.models import CalendarDay

bp = Blueprint("reminders", __name__)



# --- the outbox (HQ admins) ---------------------------------------------------------------------


def _outbox_state() -> str:
    return choice_arg("state", _l("State"), {s.value for s in MessageState},
                      MessageState.PENDING.value)


def _outbox_channel() -> str | None:
    """The channel the outbox is filtered by (e-mail, a robot, WeCom application messages,
    the tracker only), or None for every channel."""
    return choice_arg("channel", _l("Channel"), {c.value for c in Channel}) or None


def _outbox_query(state: str, channel: str | None) -> Select:
    query = select(OutboxMessage).where(OutboxMessage.state == state)
    if channel is not None:
        query = query.where(OutboxMessage.channel == channel)
    return query.options(selectinload(OutboxMessage.recipient)).order_by(OutboxMessage.id.desc())


def _outbox_page() -> str:
    """The outbox, in the state the `state` argument names (pending by default), of the
    channel `channel` names (every channel by default); each link says how many it shows."""
    state, channel = _outbox_state(), _outbox_channel()
    by_state = select(OutboxMessage.state, func.count()).group_by(OutboxMessage.state)
    if channel is not None:
        by_state = by_state.where(OutboxMessage.channel == channel)
    counts = {MessageState(k): v for k, v in db.session.execute(by_state).all()}
    by_channel = dict(db.session.execute(
        select(OutboxMessage.channel, func.count()).where(OutboxMessage.state == state)
        .group_by(OutboxMessage.channel)).all())
    page, may_retry = paginate(_outbox_query(state,
                                             channel)), OutboxMessage.can_retry(acting_user())
    return render_template(
        "reminders/outbox.html", page=page, retryable={
            m.id for m in page.items if may_retry and retries.refusal(m) is None},
        columns=OUTBOX_COLUMNS, state=state, states=list(MessageState), counts=counts,
        # Offered to send every failed message again: how many there are, to who may.
        failed=counts.get(MessageState.FAILED, 0) if may_retry else 0,
        channel=channel, channels=list(Channel),
        channel_counts={Channel(k): v for k, v in by_channel.items()}, rules=RULES,
        mail_server=current_app.config["MAIL_SERVER"])


@bp.get("/admin/reminders/")
@requires(User.is_hq_admin)
def outbox() -> str | Response:
    if fmt := exports.requested():
        return exports.send(OUTBOX_COLUMNS,
                            exports.stream(_outbox_query(_outbox_state(), _outbox_channel())),
                            "reminder-outbox", fmt, title=_("Reminder outbox"))
    return _outbox_page()


@bp.post("/admin/reminders/<int:message_id>/retry")
@requires(OutboxMessage.can_retry)
def retry(message_id: int) -> Response | tuple[str, int]:
    actor = acting_user()
    message = loaded(OutboxMessage, message_id, may=None)
    return press(lambda: retries.retry(actor, message),
                 _("The message will be sent again at the next run."),
                 url_for("reminders.outbox", state=MessageState.PENDING.value), _outbox_page)


@bp.post("/admin/reminders/retry-failed")
@requires(OutboxMessage.can_retry)
def retry_failed() -> Response | tuple[str, int]:
    """Every failed message at once: after a mail server outage, not one by one."""
    actor = acting_user()
    return press(lambda: retries.retry_failed(actor),
                 lambda count: ngettext(
                     "%(num)d failed message will be sent again at the next run.",
                     "%(num)d failed messages will be sent again at the next run.", count),
                 url_for("reminders.outbox", state=MessageState.PENDING.value), _outbox_page)


# --- the ladders (HQ admins) --------------------------------------------------------------------


@bp.get("/admin/reminders/settings")
@requires(User.is_hq_admin)
def ladders() -> Response:
    """The ladders moved to the one settings page; old bookmarks land on them there."""
    return redirect(url_for("settings.edit", _anchor="reminders"), 301)


# --- the working-day calendar (HQ admins) -------------------------------------------------------


def _calendar_page(form: Form) -> str:
    this_year = today().year
    days = db.session.scalars(select(CalendarDay).order_by(CalendarDay.day.desc())).all()
    coverage = [(year, workdays.library_covers(year)) for year in (this_year, this_year + 1)]
    gaps = workdays.missing_years(today())
    return render_template("reminders/calendar.html", form=form, days=days,
                           coverage=coverage, gaps=gaps,
                           not_yet={year: workdays.complete_refusal(year) for year in gaps})


@bp.route("/admin/calendar", methods=["GET", "POST"])
@requires(User.is_hq_admin)
def calendar() -> Response | tuple[str, int]:
    actor = acting_user()
    form = forms.CalendarDayForm(formdata=request.form if request.method == "POST" else None)
    return submit(form, lambda: workdays.add_day(actor, form.day.data,
                                                 form.kind.data == "workday",
                                                 form.note.data or ""),
                  _("Added to the calendar."), url_for("reminders.calendar"),
                  lambda: _calendar_page(form))


@bp.post("/admin/calendar/<int:day_id>/remove")
@requires(User.is_hq_admin)
def remove_day(day_id: int) -> Response | tuple[str, int]:
    actor = acting_user()
    row = loaded(CalendarDay, day_id, may=None)
    return press(lambda: workdays.remove_day(actor, row), _("Removed from the calendar."),
                 url_for("reminders.calendar"),
                 lambda: _calendar_page(forms.CalendarDayForm(formdata=None)))


@bp.post("/admin/calendar/years/<int:year>/complete")
@requires(User.is_hq_admin)
def complete_year(year: int) -> Response | tuple[str, int]:
    actor = acting_user()
    return press(lambda: workdays.complete_year(actor, year),
                 _("The calendar of %(year)d is declared complete.", year=year),
                 url_for("reminders.calendar"),
                 lambda: _calendar_page(forms.CalendarDayForm(formdata=None)))


# --- each user's preferences and feed -----------------------------------------------------------


def _preferences_form(user: User) -> Form:
    return forms.preferences_form(choices.preferences_of(user).per_item,
                                  choices.opted_out_rules(user),
                                  request.form if request.method == "POST" else None)


def _preferences_page(user: User, form: Form) -> str:
    """The page as it is after a GET or a refused POST: the feed's address is not known (the
    database keeps its hash), it is shown once, on the answer that made it."""
    return render_template("reminders/preferences.html", form=form, rules=RULES,
                           preference=choices.preferences_of(user), feed_url=None)


@bp.route("/reminders/preferences", methods=["GET", "POST"])
@login_required
def preferences() -> Response | tuple[str, int]:
    user = acting_user()
    form = _preferences_form(user)
    return submit(form, lambda: choices.save_preferences(user, form.delivery.data == "per_item",
                                                          forms.chosen_opt_outs(form)),
                  saved_if_changed, url_for("reminders.preferences"),
                  lambda: _preferences_page(user, form))


@bp.post("/reminders/feed/regenerate")
@login_required
def regenerate_feed() -> str | Response | tuple[str, int]:
    """Make a new address and show it on this answer only: the database keeps its hash."""
    user = acting_user()

    def shown(token: str) -> str:
        preference = choices.preferences_of(user)
        form = forms.preferences_form(preference.per_item, choices.opted_out_rules(user), None)
        # From BASE_URL, never from the Host header this request came with.
        return render_template("reminders/preferences.html", form=form, rules=RULES,
                               preference=preference, feed_url=external_url(
                                   url_for("reminders.feed", token=token)))

    return submit(Button(), lambda: choices.regenerate_feed_token(user),
                  _("Your calendar has a new address: the old one no longer works. Copy it "
                    "now: it is shown only this once."), url_for("reminders.preferences"),
                  lambda: _preferences_page(user, _preferences_form(user)), shown=shown)


@bp.post("/reminders/feed/revoke")
@login_required
def revoke_feed() -> Response | tuple[str, int]:
    user = acting_user()
    return press(lambda: choices.revoke_feed_token(user),
                 _("Your calendar address no longer works."), url_for("reminders.preferences"),
                 lambda: _preferences_page(user, _preferences_form(user)))


@bp.get("/calendar/<token>.ics")
def feed(token: str) -> Response:
    """The secret, login-free feed a calendar application subscribes to."""
    user = choices.user_for_feed(token)
    if user is None:
        abort(404)
    response = Response(calendar_feed.calendar_for(user), mimetype="text/calendar")
    response.headers["Content-Type"] = "text/calendar; charset=utf-8"
    return response
