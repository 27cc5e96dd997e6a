"""The secret calendar feed: valid iCalendar with the user's open deadlines, revocable."""

from __future__ import annotations

import hashlib
import re
from datetime import date, timedelta

from icalendar import Calendar
from sqlalchemy import text

from tests.conftest import login, post
from tests.factories import install_gates, make_user
from tests.gates import helpers as gate_helpers
from tests.reminders import helpers
from tracker import db
from tracker.accounts.models import Role
from tracker.gates.condition_models import Condition
from tracker.milestones.models import MilestoneState
from tracker.reminders import preferences


def feed_of(client, token: str):
    return client.get(f"/calendar/{token}.ics")


def test_the_feed_lists_the_users_open_deadlines_and_parses_back(client):
    pm = make_user(Role.PROJECT_MANAGER, locale="en", name="Li Qiang")
    other = make_user(Role.PROJECT_MANAGER)
    project = helpers.project_for(pm)
    open_one = helpers.milestone(project, date(2026, 5, 15), title="Prototype")
    helpers.milestone(project, date(2026, 4, 1), title="Kick-off",
                      state=MilestoneState.ACCEPTED)
    helpers.milestone(helpers.project_for(other), date(2026, 5, 20), title="Not mine")
    inst = helpers.instalment(project, date(2026, 7, 1))
    # A condition belongs to a decision in force: one from a real gate review.
    install_gates()
    decision = gate_helpers.go(gate_helpers.submit(helpers.project_for(pm, phase=None)))
    db.session.add(Condition(decision_id=decision.id, project_id=project.id,
                             text="Sign the data licence", owner_id=pm.id,
                             due_date=date(2026, 6, 30)))
    token = preferences.regenerate_feed_token(pm)
    db.session.commit()

    response = feed_of(client, token)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    raw = response.get_data()
    assert raw.startswith(b"BEGIN:VCALENDAR\r\n") and raw.endswith(b"END:VCALENDAR\r\n")

    calendar = Calendar.from_ical(raw)
    assert str(calendar["VERSION"]) == "2.0" and calendar["PRODID"]
    events = {str(e["UID"]): e for e in calendar.walk("VEVENT")}
    by_summary = {str(e["SUMMARY"]): e for e in events.values()}
    mine = {f"Milestone: Prototype ({project.code})",
            f"Payment instalment: Sensor development ({project.code})",
            f"Condition: Sign the data licence ({project.code})",
            f"End of project: {project.title} ({project.code})"}
    assert mine <= set(by_summary)
    assert not any("Kick-off" in s or "Not mine" in s for s in by_summary)  # done, not mine
    prototype = by_summary[f"Milestone: Prototype ({project.code})"]
    assert prototype.decoded("DTSTART") == date(2026, 5, 15)
    assert prototype.decoded("DTEND") == date(2026, 5, 16)
    assert str(prototype["URL"]).endswith(f"/milestones/{open_one.id}")
    assert f"milestone_due-{open_one.id}@" in str(prototype["UID"])
    for event in events.values():
        assert "DTSTAMP" in event
    assert any(uid.startswith(f"instalment_due-{inst.id}@") for uid in events)


def test_an_evaluator_sees_the_reviews_they_owe(client):
    install_gates()
    pm = make_user(Role.PROJECT_MANAGER)
    review = gate_helpers.submit(helpers.project_for(pm, phase=None))
    evaluators = gate_helpers.name_panel(review)
    token = preferences.regenerate_feed_token(evaluators[1])
    db.session.commit()
    calendar = Calendar.from_ical(feed_of(client, token).get_data())
    [event] = calendar.walk("VEVENT")
    assert str(event["SUMMARY"]).startswith("Scores for gate review:")
    assert event.decoded("DTSTART") == review.due_date
    gate_helpers.score(review, evaluators[1])
    assert Calendar.from_ical(feed_of(client, token).get_data()).walk("VEVENT") == []


def _shown_token(response) -> str:
    return re.search(r"/calendar/([^\"]+)\.ics", response.get_data(as_text=True)).group(1)


def test_a_wrong_or_revoked_token_is_not_found(client):
    pm = make_user(Role.PROJECT_MANAGER)
    helpers.milestone(helpers.project_for(pm), date(2026, 5, 15))
    login(client, pm)
    made = post(client, "/reminders/feed/regenerate")
    assert made.status_code == 200 and "shown only this once" in made.get_data(as_text=True)
    token = _shown_token(made)
    assert token not in client.get("/reminders/preferences").get_data(as_text=True)
    assert feed_of(client, token).status_code == 200
    assert feed_of(client, token[:-1] + ("A" if token[-1] != "A" else "B")).status_code == 404
    assert feed_of(client, "x" * 200).status_code == 404

    new = _shown_token(post(client, "/reminders/feed/regenerate"))
    assert new != token
    assert feed_of(client, token).status_code == 404
    assert feed_of(client, new).status_code == 200

    post(client, "/reminders/feed/revoke")
    assert preferences.preferences_of(pm).feed_token_hash is None
    assert feed_of(client, new).status_code == 404


def test_the_feed_token_is_kept_only_as_a_hash(client):
    pm = make_user(Role.PROJECT_MANAGER)
    login(client, pm)
    token = _shown_token(post(client, "/reminders/feed/regenerate"))
    stored = db.session.execute(text(
        "SELECT feed_token_hash FROM reminder_preferences WHERE user_id = :id"),
        {"id": pm.id}).scalar_one()
    assert stored == hashlib.sha256(token.encode()).hexdigest()
    assert token not in stored


def test_the_feed_of_a_deactivated_user_is_gone(client):
    pm = make_user(Role.PROJECT_MANAGER)
    token = preferences.regenerate_feed_token(pm)
    db.session.commit()
    assert feed_of(client, token).status_code == 200
    pm.active = False
    db.session.commit()
    assert feed_of(client, token).status_code == 404


def test_the_feed_follows_the_settings_for_a_review_counted_in_business_days(client):
    evaluator = make_user(Role.EVALUATOR)
    pm = make_user(Role.PROJECT_MANAGER)
    m = helpers.milestone(helpers.project_for(pm), date(2026, 9, 30), reviewer=evaluator)
    from tests.reminders.conftest import at

    helpers.submit(m, at(date(2026, 9, 30), 15))
    token = preferences.regenerate_feed_token(evaluator)
    db.session.commit()
    [event] = Calendar.from_ical(feed_of(client, token).get_data()).walk("VEVENT")
    # Five business days after Wednesday 30 September 2026, across National Day and its
    # make-up working Saturday 10 October.
    assert event.decoded("DTSTART") == date(2026, 10, 13)
    assert event.decoded("DTEND") - event.decoded("DTSTART") == timedelta(days=1)


def test_in_chinese_each_summary_quotes_its_title_once_punctuated(client):
    """A rule's Chinese noun may end in its own colon (提成报告：): the summary quotes the title
    instead of adding a second colon (it read '提成报告：: ...')."""
    pm = make_user(Role.PROJECT_MANAGER, locale="zh_CN")
    project = helpers.project_for(pm)
    helpers.milestone(project, date(2026, 5, 15), title="样机")
    token = preferences.regenerate_feed_token(pm)
    db.session.commit()
    calendar = Calendar.from_ical(feed_of(client, token).get_data())
    summaries = [str(e["SUMMARY"]) for e in calendar.walk("VEVENT")]
    assert f"里程碑“样机”（{project.code}）" in summaries or any(
        s.startswith("里程碑“样机”") for s in summaries), summaries
    assert not any("：:" in s or ": " in s for s in summaries), summaries


def test_an_event_says_what_is_due_in_the_readers_language_at_the_configured_address(
        client, app):
    """Issue 9, F53: the description said the rule's settings label, and an event's address
    must be BASE_URL's whatever host and port the feed was fetched by."""
    pm = make_user(Role.PROJECT_MANAGER, locale="zh_CN")
    project = helpers.project_for(pm)
    milestone = helpers.milestone(project, date(2026, 5, 15), title="样机")
    token = preferences.regenerate_feed_token(pm)
    db.session.commit()
    raw = client.get(f"/calendar/{token}.ics", base_url="http://127.0.0.1:5001").get_data()
    [event] = [e for e in Calendar.from_ical(raw).walk("VEVENT")
               if str(e["UID"]).startswith("milestone_due-")]
    description = str(event["DESCRIPTION"])
    assert description.startswith("2026年5月15日 到期：里程碑“样机”"), description
    url = f"{app.config['BASE_URL'].rstrip('/')}/milestones/{milestone.id}"
    assert str(event["URL"]) == url and description.endswith(url)
    assert "127.0.0.1:5001" not in raw.decode("utf-8")
