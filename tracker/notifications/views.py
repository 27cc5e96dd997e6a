"""The notifications page (the header's bell leads here) and each user's notification
choices. No JavaScript: the count is in the page as the server renders it."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required
from sqlalchemy import select
from werkzeug.wrappers import Response

from tracker import db
from tracker.accounts.models import User
from tracker.display.formatting import money
from tracker.display.labels import label
from tracker.notifications import forms, webhooks, wecom_app
from tracker.notifications import services as notices
from tracker.notifications.events import EVENTS, sentence_for
from tracker.reminders.models import Channel, MessageKind, OutboxMessage
from tracker.web.actions import press, saved_if_changed, submit
from tracker.web.navigation import choice_arg, paginate
from tracker.web.permissions import acting_user, loaded

bp = Blueprint("notifications", __name__)



def _shown() -> str:
    return choice_arg("show", _l("Show"), {"unread", "all"}, "all")


def _page() -> str:
    user = acting_user()
    query = (select(OutboxMessage).where(OutboxMessage.recipient_id == user.id,
                                         OutboxMessage.kind == MessageKind.EVENT)
             .order_by(OutboxMessage.id.desc()))
    if _shown() == "unread":
        query = query.where(OutboxMessage.read_at.is_(None))
    page = paginate(query)
    sentences = {m.id: sentence_for(m.rule, m.details, format_date, label, money)
                 for m in page.items if m.rule in EVENTS}
    return render_template("notifications/list.html", page=page, sentences=sentences,
                           shown=_shown(), unread=notices.unread_count(user))


@bp.get("/notifications")
@login_required
def inbox() -> str:
    return _page()


@bp.post("/notifications/read")
@login_required
def read_all() -> Response | tuple[str, int]:
    user = acting_user()
    return press(lambda: notices.mark_read(user), _("Every notification is marked read."),
                 url_for("notifications.inbox"), _page)


@bp.post("/notifications/<int:message_id>/read")
@login_required
def read_one(message_id: int) -> Response | tuple[str, int]:
    """Mark one read and open what it is about (the button is its link)."""
    user = acting_user()
    message = loaded(OutboxMessage, message_id, may=OutboxMessage.can_open)
    notices.mark_read(user, [message.id])
    db.session.commit()
    return redirect(message.details.get("path") or url_for("notifications.inbox"))


def _settings_data(user: User) -> dict:
    choice = notices.settings_of(user.id)
    data = {"channel": choice.channel.value, "delivery": "digest" if choice.digest else "now",
            "digest_at": choice.digest_at, "time_zone": choice.time_zone or "",
            "wecom_user": choice.wecom_user or ""}
    data.update({f"rule_{rule}": channel.value
                 for rule, channel in notices.rule_choices(user).items()})
    return data


def _settings_page(form) -> str:
    choice = notices.settings_of(acting_user().id)
    saved = {"wecom_webhook": webhooks.masked(choice.wecom_webhook),
             "dingtalk_webhook": webhooks.masked(choice.dingtalk_webhook),
             "dingtalk_secret": webhooks.masked(choice.dingtalk_secret)}
    return render_template("notifications/settings.html", form=form, saved=saved,
                           events=EVENTS)


@bp.route("/notifications/settings", methods=["GET", "POST"])
@login_required
def settings() -> str | Response | tuple[str, int]:
    user = acting_user()
    form = forms.settings_form(_settings_data(user),
                               request.form if request.method == "POST" else None,
                               application=wecom_app.configured())
    return submit(form, lambda: notices.save_settings(
        user, channel=Channel(form.channel.data), digest=form.delivery.data == "digest",
        digest_at=form.digest_at.data, time_zone=form.time_zone.data or None,
        rules=forms.rule_channels(form), wecom_webhook=form.wecom_webhook.data or None,
        dingtalk_webhook=form.dingtalk_webhook.data or None,
        dingtalk_secret=form.dingtalk_secret.data or None,
        remove_wecom=form.remove_wecom.data, remove_dingtalk=form.remove_dingtalk.data,
        wecom_user=form.wecom_user.data if "wecom_user" in form else None),
        saved_if_changed, url_for("notifications.settings"), lambda: _settings_page(form))
