"""/metrics in Prometheus' text format, for HQ's monitoring.

Two kinds of figures:
- counted as requests are answered (requests by method and status, a latency histogram):
  prometheus_client's counters. Under gunicorn each worker is a process of its own and a
  scrape reaches one of them, so gunicorn.conf.py sets PROMETHEUS_MULTIPROC_DIR: every worker
  writes its counts to files there and a scrape adds up all the workers' (multiprocess mode).
  Without it (`flask run`, tests) the counts are the one process's. Counts start again when
  the server restarts, which Prometheus' rate() expects of a counter.
- read from the database at scrape time, so every worker and host says the same: the outbox
  by state (what waits and what failed), and each scheduled job's last run and last run
  without an error (tracker/jobs), the reminders' scan among them.

Open to those `METRICS_TOKEN` (a bearer token) or `METRICS_ALLOWED_IPS` let in; with neither
set, /metrics is not there (404).
"""

from __future__ import annotations

import hmac
import ipaddress
import os

from flask import Blueprint, Response, abort, current_app, request
from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector
from sqlalchemy import func, select

from tracker import db
from tracker.jobs.models import JobRun
from tracker.reminders.models import OutboxMessage

bp = Blueprint("metrics", __name__)

_COUNTED = CollectorRegistry()
REQUESTS = Counter("tracker_http_requests", "HTTP requests answered, by method and status.",
                   ["method", "status"], registry=_COUNTED)
LATENCY = Histogram("tracker_http_request_duration_seconds",
                    "Time from a request's arrival to its answer's last byte.",
                    buckets=(0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0),
                    registry=_COUNTED)
# States of the outbox worth watching: sent and cancelled only grow.
WATCHED_STATES = ("sent", "cancelled")
TEXT_FORMAT = "text/plain; version=0.0.4; charset=utf-8"


def observe(method: str, status: int, seconds: float) -> None:
    REQUESTS.labels(method=method, status=str(status)).inc()
    LATENCY.observe(seconds)


class FromTheDatabase:
    """Gauges read when scraped (a registry's collector)."""

    def collect(self):
        outbox = GaugeMetricFamily("tracker_outbox_messages",
                                   "Messages in the outbox by state (sent and cancelled left out).",
                                   labels=["state"])
        counts = dict(db.session.execute(
            select(OutboxMessage.state, func.count()).where(
                OutboxMessage.state.not_in(WATCHED_STATES)).group_by(OutboxMessage.state)).all())
        for state in ("pending", "failed", *sorted(str(s) for s in counts
                                                   if s not in ("pending", "failed"))):
            outbox.add_metric([str(state)], counts.get(state, 0))
        yield outbox
        finished = GaugeMetricFamily("tracker_job_last_run_timestamp_seconds",
                                     "When each scheduled job last finished (Unix time).",
                                     labels=["job"])
        ok = GaugeMetricFamily("tracker_job_last_success_timestamp_seconds",
                               "When each scheduled job last finished without an error.",
                               labels=["job"])
        for run in db.session.scalars(select(JobRun).order_by(JobRun.job)):
            finished.add_metric([run.job], run.finished_at.timestamp())
            if run.last_ok_at is not None:
                ok.add_metric([run.job], run.last_ok_at.timestamp())
        yield finished
        yield ok


def exposition() -> bytes:
    counted = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        MultiProcessCollector(counted)
    else:
        counted = _COUNTED
    from_db = CollectorRegistry()
    from_db.register(FromTheDatabase())
    return generate_latest(counted) + generate_latest(from_db)


def allowed() -> bool:
    token = current_app.config["METRICS_TOKEN"]
    sent = request.headers.get("Authorization", "")
    if token and hmac.compare_digest(sent.encode(), f"Bearer {token}".encode()):
        return True
    networks = current_app.config["METRICS_ALLOWED_IPS"] or ()
    try:
        address = ipaddress.ip_address(request.remote_addr or "")
    except ValueError:
        return False
    return any(address in ipaddress.ip_network(net, strict=False) for net in networks)


@bp.get("/metrics")
def scrape() -> Response:
    if not allowed():
        abort(404)
    return Response(exposition(), mimetype=None, content_type=TEXT_FORMAT)
