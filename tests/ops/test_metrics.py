"""/metrics: Prometheus' text format, for those the configuration lets in."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from tests.factories import make_user
from tracker import db
from tracker.db import utcnow
from tracker.jobs.services import keep
from tracker.reminders.models import Audience, MessageState, OutboxMessage

TOKEN = "metrics-token-for-the-test-0123456789"


@pytest.fixture
def open_metrics(app, monkeypatch):
    monkeypatch.setitem(app.config, "METRICS_TOKEN", TOKEN)
    return {"Authorization": f"Bearer {TOKEN}"}


def _sample(text: str, name: str, **labels: str) -> float | None:
    wanted = ",".join(f'{k}="{v}"' for k, v in labels.items())
    pattern = rf"^{re.escape(name)}{re.escape('{' + wanted + '}') if labels else ''} (\S+)$"
    match = re.search(pattern, text, re.M)
    return float(match.group(1)) if match else None


def _outbox(user, state: MessageState, n: int) -> None:
    for i in range(n):
        db.session.add(OutboxMessage(
            rule="milestone_due", item_id=i, occurrence=f"{state}-{i}", recipient_id=user.id,
            audience=Audience.OWNER, deadline=date(2026, 6, 1), fire_on=date(2026, 6, 1),
            locale="en", state=state, message_id=f"<{state}-{i}@test>"))
    db.session.commit()


def test_metrics_are_closed_unless_configured(client, app, monkeypatch):
    assert client.get("/metrics").status_code == 404
    monkeypatch.setitem(app.config, "METRICS_TOKEN", TOKEN)
    assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 404
    monkeypatch.setitem(app.config, "METRICS_TOKEN", "")
    monkeypatch.setitem(app.config, "METRICS_ALLOWED_IPS", ["10.1.0.0/16"])
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": "10.2.0.5"}).status_code == 404
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": "10.1.3.4"}).status_code == 200


def test_requests_by_status_and_latency(client, open_metrics):
    before = client.get("/metrics", headers=open_metrics, buffered=True).get_data(as_text=True)
    client.get("/no-such-page", buffered=True)
    client.get("/login", buffered=True)
    response = client.get("/metrics", headers=open_metrics)
    assert response.content_type.startswith("text/plain; version=0.0.4")
    text = response.get_data(as_text=True)

    def grew(name: str, **labels: str) -> float:
        return (_sample(text, name, **labels) or 0) - (_sample(before, name, **labels) or 0)

    assert grew("tracker_http_requests_total", method="GET", status="404") == 1
    assert grew("tracker_http_requests_total", method="GET", status="200") >= 2  # and a scrape
    assert grew("tracker_http_request_duration_seconds_count") >= 3
    assert _sample(text, "tracker_http_request_duration_seconds_bucket", le="+Inf") == \
        _sample(text, "tracker_http_request_duration_seconds_count")


def test_outbox_and_the_last_scan_are_read_from_the_database(client, open_metrics):
    user = make_user()
    _outbox(user, MessageState.PENDING, 3)
    _outbox(user, MessageState.FAILED, 2)
    _outbox(user, MessageState.SENT, 4)
    finished = utcnow() - timedelta(minutes=3)
    keep("reminders", finished - timedelta(seconds=5), finished, None)
    text = client.get("/metrics", headers=open_metrics).get_data(as_text=True)
    assert _sample(text, "tracker_outbox_messages", state="pending") == 3
    assert _sample(text, "tracker_outbox_messages", state="failed") == 2
    assert _sample(text, "tracker_outbox_messages", state="sent") is None  # only grows
    assert _sample(text, "tracker_job_last_run_timestamp_seconds", job="reminders") == \
        pytest.approx(finished.timestamp())
    assert _sample(text, "tracker_job_last_success_timestamp_seconds", job="reminders") == \
        pytest.approx(finished.timestamp())
