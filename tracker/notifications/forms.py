"""The form of a user's notification choices; it validates input and touches no database."""

from __future__ import annotations

from zoneinfo import available_timezones

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, PasswordField, RadioField, SelectField, StringField, TimeField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from tracker.notifications.events import EVENTS
from tracker.reminders.models import CHANNEL_LABELS, Channel
from tracker.web.forms import Form, OneTime

SAME = ""  # a rule that goes by the user's own channel


def _zone(form, field) -> None:
    if field.data and field.data not in available_timezones():
        raise ValidationError(_l("Give a time zone such as Asia/Shanghai."))


class NotificationSettingsForm(OneTime, Form):
    """The channel, at once or a digest, the robots' addresses (never filled in: they are
    shown masked beside the field) and a channel per event rule (`rule_<event>`, added
    below); with `application` (the server is set up for WeCom application messages) that
    channel and the user's WeCom account ID. Sent twice (a double click) it saves once; the
    same choices sent again later are saved again, which changes nothing."""

    same_content_is_resent = False
    channel = SelectField(_l("Send my notifications by"), choices=[],
                          validators=[InputRequired()],
                          description=_l("Deadline reminders go this way too (by e-mail when "
                                         "you choose the tracker only)."))
    delivery = RadioField(_l("When"), choices=[
        SelectChoice("now", _l("At once (events on one project within a few minutes "
                               "come together)")),
        SelectChoice("digest", _l("In one daily digest")),
    ], validators=[InputRequired()])
    digest_at = TimeField(_l("Daily digest at"), validators=[Optional()])
    time_zone = StringField(
        _l("My time zone"), validators=[Optional(), Length(max=50), _zone],
        description=_l("An IANA name such as Asia/Shanghai or Europe/Berlin; empty: the "
                       "organisation's."))
    wecom_webhook = PasswordField(
        _l("WeCom group robot: webhook address"), validators=[Optional(), Length(max=300)],
        description=_l("The robot's address, https://qyapi.weixin.qq.com/cgi-bin/webhook/"
                       "send?key=…; empty: keep the one saved."))
    remove_wecom = BooleanField(_l("Remove the WeCom robot"))
    dingtalk_webhook = PasswordField(
        _l("DingTalk robot: webhook address"), validators=[Optional(), Length(max=300)],
        description=_l("https://oapi.dingtalk.com/robot/send?access_token=…; empty: keep "
                       "the one saved."))
    dingtalk_secret = PasswordField(
        _l("DingTalk robot: signing secret"), validators=[Optional(), Length(max=100)],
        description=_l("The robot's secret (SEC…), when it signs its messages; empty: "
                       "keep the one saved."))
    remove_dingtalk = BooleanField(_l("Remove the DingTalk robot"))
    wecom_user = StringField(
        _l("WeCom account ID"), validators=[Optional(), Length(max=64)],
        description=_l("Your account in the organisation's WeCom (成员账号): the "
                       "tracker's application messages reach you there."))

    def __init__(self, *args, application: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        offered = [c for c in Channel if application or c is not Channel.WECOM_APP]
        self.channel.choices = [SelectChoice(c.value, CHANNEL_LABELS[c]) for c in offered]
        for name in EVENTS:
            self[f"rule_{name}"].choices = [SelectChoice(SAME, _l("As chosen above"))] + [
                SelectChoice(c.value, CHANNEL_LABELS[c]) for c in offered]
        if not application:  # no WeCom application to reach anyone by
            del self["wecom_user"]


for _name, _event in EVENTS.items():
    setattr(NotificationSettingsForm, f"rule_{_name}",
            SelectField(_event.label, choices=[], validators=[Optional()]))


def settings_form(data: dict | None, formdata=None,
                  application: bool = False) -> NotificationSettingsForm:
    """The form filled with the user's choices, or with what they sent."""
    return NotificationSettingsForm(formdata=formdata, data=None if formdata else data,
                                    application=application)


def rule_channels(form: Form) -> dict[str, Channel | None]:
    return {name: Channel(form[f"rule_{name}"].data) if form[f"rule_{name}"].data else None
            for name in EVENTS}
