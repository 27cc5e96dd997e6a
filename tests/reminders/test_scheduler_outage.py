"""Two real `flask scheduler run` processes on PostgreSQL, reached through a TCP proxy the test
takes down: both outlive a database outage and the reminders resume; a leader frozen with
SIGSTOP loses the lead to the standby within the lease; SIGTERM ends both cleanly. Every
reminder reaches the SMTP server once."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections import Counter

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from tests.conftest import PG_URL, empty_every_table
from tests.ops.proxy import TcpProxy
from tests.reminders import processes
from tests.reminders.conftest import SmtpServer
from tracker.reminders.scheduler import APPLICATION_NAME, LOCK_KEY

pytestmark = pytest.mark.skipif(not PG_URL, reason="the scheduler's lock is PostgreSQL's")

LEASE = 3  # seconds: SCHEDULER_LEASE_SECONDS of the processes
OUTAGE = 2 * LEASE  # longer than the lease: the leader loses its lock connection


@pytest.fixture
def database(app, engine):
    """The suite's database with the demo committed in it (by `flask demo seed`, as a
    deployment would), emptied after."""
    url = engine.url.render_as_string(hide_password=False)
    try:
        subprocess.run(processes.FLASK + ["demo", "seed"], cwd=processes.ROOT,
                       env=processes.flask_env(url), check=True, capture_output=True)
        yield url, engine
    finally:
        empty_every_table(engine)


def leader_pid(engine) -> int | None:
    """The process id of the scheduler holding the lock (its lock connection's name)."""
    with engine.connect() as conn:
        name = conn.scalar(text(
            "SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
            "WHERE l.locktype = 'advisory' AND l.granted AND l.objid = :key"),
            {"key": LOCK_KEY})
    return int(name.split()[-1]) if name and name.startswith(APPLICATION_NAME) else None


def outbox(engine) -> Counter:
    """The reminders by state (the demo's events wait for their burst window: not counted)."""
    with engine.connect() as conn:
        return Counter(dict(conn.execute(text(
            "SELECT state, count(*) FROM reminder_outbox WHERE kind = 'reminder' "
            "GROUP BY state")).all()))


def add_due_message(engine, tag: str) -> str:
    """A new reminder due now, as a scan would write it: a copy of one sent, for a new
    occurrence."""
    message_id = f"<reminder.outage-test.{tag}@jitri.example>"
    with engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO reminder_outbox (rule, item_id, occurrence, recipient_id, audience, "
            "deadline, fire_on, project_id, details, locale, state, attempts, last_error, "
            "created_at, message_id, kind, channel) "
            "SELECT rule, item_id, :tag, recipient_id, audience, deadline, fire_on, project_id, "
            "details, locale, 'pending', 0, '', now(), :mid, kind, channel "
            "FROM reminder_outbox WHERE state = 'sent' AND kind = 'reminder' "
            "ORDER BY id LIMIT 1"), {"tag": tag, "mid": message_id})
    return message_id


def received_ids(smtp: SmtpServer) -> Counter:
    return Counter(message["Message-ID"] for _to, message in smtp.received)


def _reminder_mails(ids: Counter) -> int:
    """The reminder e-mails among those received (a digest aside)."""
    return sum(1 for mid in ids if mid.startswith("<reminder.") and ".digest." not in mid)


def test_schedulers_survive_an_outage_and_a_frozen_leader_loses_the_lead(database, tmp_path):
    url, engine = database
    pg = make_url(url)
    proxy = TcpProxy((pg.host or "127.0.0.1", pg.port or 5432)).start()
    smtp = SmtpServer()
    smtp.start()
    env = processes.flask_env(
        pg.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False),
        SCHEDULER_LEASE_SECONDS=LEASE, MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp.port,
        MAIL_FROM="tracker@jitri.example", IMPORT_POLL_SECONDS=1)
    logs = {name: tmp_path / f"{name}.log" for name in ("first", "second")}
    first = processes.start(["scheduler", "run"], env, logs["first"])
    started = {first.pid: first}
    try:
        processes.wait_for(lambda: leader_pid(engine) == first.pid, 180, "the first leads")
        second = processes.start(["scheduler", "run"], env, logs["second"])
        started[second.pid] = second
        processes.wait_for(lambda: "is a standby" in logs["second"].read_text(), 180,
                           "the second stands by")
        processes.wait_for(lambda: outbox(engine)["sent"] >= 1 and not outbox(engine)["pending"],
                           30, "the first scan's reminders sent")
        sent_before = outbox(engine)["sent"]  # reminders (one e-mail may carry several)
        mails_before = _reminder_mails(received_ids(smtp))

        # The database goes away for twice the lease: both processes live through it.
        proxy.stop()
        time.sleep(OUTAGE)
        assert first.poll() is None and second.poll() is None
        resumed = add_due_message(engine, "after-outage")  # written while they can't see it
        proxy.start()
        processes.wait_for(lambda: received_ids(smtp)[resumed], 30,
                           "the reminder due during the outage sent once the database is back")
        assert first.poll() is None and second.poll() is None
        assert "can't be reached" in logs["first"].read_text() + logs["second"].read_text()

        # The leader freezes: the standby leads within the lease and a third of it.
        leader = processes.wait_for(lambda: leader_pid(engine), 30, "someone leads again")
        standby = next(pid for pid in started if pid != leader)
        # Due now; the leader's next cycle is an interval away: the new leader's first sends it.
        after_freeze = add_due_message(engine, "after-freeze")
        os.kill(leader, signal.SIGSTOP)
        frozen_at = time.monotonic()
        try:
            processes.wait_for(lambda: leader_pid(engine) == standby, 4 * LEASE,
                               "the standby takes over from the frozen leader")
            took = time.monotonic() - frozen_at
            processes.wait_for(lambda: received_ids(smtp)[after_freeze], 30,
                               "the new leader sends")
        finally:
            os.kill(leader, signal.SIGCONT)
        assert took <= LEASE + LEASE / 3 + 2, took  # the bound, with 2 s for a busy machine
        # Thawed, the old leader finds its lock gone and stands by: both live, one leads (which
        # one may change again on a machine so loaded that a heartbeat misses the lease).
        time.sleep(LEASE)
        assert leader_pid(engine) in started
        assert all(process.poll() is None for process in started.values())
        assert "lost the scheduler's database connection" in logs["first"].read_text() + logs[
            "second"].read_text()

        for process in started.values():
            process.send_signal(signal.SIGTERM)
        for process in started.values():
            assert process.wait(timeout=30) == 0
        assert leader_pid(engine) is None  # the lock is given back
    finally:
        for process in started.values():
            if process.poll() is None:
                process.kill()
                process.wait()
        proxy.stop()
        smtp.stop()
        for name, log in logs.items():  # shown when the test fails
            print(f"--- {name} ---\n{log.read_text() if log.exists() else ''}")
    # Every reminder went out exactly once: the first scan's, and the two added.
    ids = received_ids(smtp)
    assert _reminder_mails(ids) >= mails_before + 2
    assert set(ids.values()) == {1}, ids
    state = outbox(engine)
    assert state["sent"] == sent_before + 2 and not state["pending"] and not state["sending"]
