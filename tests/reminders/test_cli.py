"""`flask reminders scan|send`: what they print."""

from __future__ import annotations

import json
from datetime import date

from tests.factories import make_user
from tests.reminders import helpers
from tracker.accounts.models import Role


def test_scan_prints_found_and_new_and_send_keeps_them_without_a_server(app):
    pm = make_user(Role.PROJECT_MANAGER)
    helpers.milestone(helpers.project_for(pm), date(2026, 5, 15))
    runner = app.test_cli_runner()
    first = runner.invoke(args=["reminders", "scan", "--as-of", "2026-05-12", "--json"])
    assert first.exit_code == 0, first.output
    assert json.loads(first.output) == {"as_of": "2026-05-12", "found": 1, "new": 1}
    again = runner.invoke(args=["reminders", "scan", "--as-of", "2026-05-12"])
    assert again.output.strip() == "2026-05-12: found 1, new 0"
    sent = runner.invoke(args=["reminders", "send"])
    assert "MAIL_SERVER is not set: 1 messages stay in the outbox" in sent.output
    as_json = json.loads(runner.invoke(args=["reminders", "send", "--json"]).output)
    assert (as_json["sent"], as_json["pending"], as_json["mail_server"]) == (0, 1, False)


def test_send_delivers_over_smtp(app, smtp):
    pm = make_user(Role.PROJECT_MANAGER)
    helpers.milestone(helpers.project_for(pm), date(2026, 5, 15))
    runner = app.test_cli_runner()
    runner.invoke(args=["reminders", "scan", "--as-of", "2026-05-12"])
    result = runner.invoke(args=["reminders", "send", "--json"])
    assert json.loads(result.output)["sent"] == 1
    assert [to for to, _m in smtp.take()] == [[pm.email]]


def test_a_bad_date_is_refused(app):
    result = app.test_cli_runner().invoke(args=["reminders", "scan", "--as-of", "12/05/2026"])
    assert result.exit_code != 0 and "YYYY-MM-DD" in result.output


def test_send_exits_non_zero_and_says_when_it_retries_when_the_server_is_unreachable(app, smtp):
    pm = make_user(Role.PROJECT_MANAGER)
    helpers.milestone(helpers.project_for(pm), date(2026, 5, 15))
    runner = app.test_cli_runner()
    runner.invoke(args=["reminders", "scan", "--as-of", "2026-05-12"])
    smtp.stop()
    result = runner.invoke(args=["reminders", "send"])
    assert result.exit_code == 1
    assert "could not be reached; 1 messages wait in the outbox" in result.output
    assert "will be tried again from 20" in result.output
    as_json = runner.invoke(args=["reminders", "send", "--json"])
    assert as_json.exit_code == 0  # nothing was due yet: the retry waits its turn
    smtp.start()
