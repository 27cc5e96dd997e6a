"""Delivery when things break: a relay that closes the connection every few messages, one that
drops it while taking a message, a sender killed in the middle of a 200-recipient batch
(at most one message sent twice per kill), SIGTERM (the message in hand finished, then stop),
and HQ's "send every failed message again" after a mail server outage."""

from __future__ import annotations

import asyncio
import signal
import subprocess
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from tests.conftest import PG_URL, login, post
from tests.factories import make_institute, make_project, make_user
from tests.reminders import helpers, processes
from tests.reminders.conftest import Mailbox, SmtpServer, at, serving
from tracker import db
from tracker.accounts.models import Role
from tracker.audit.models import AuditRecord
from tracker.errors import Forbidden
from tracker.notifications.diagnoses import explain
from tracker.projects.lifecycle import Phase
from tracker.reminders import delivery, mail, retries, scan, transport
from tracker.reminders.models import MessageState, OutboxMessage

DAY = date(2026, 5, 12)  # three days before the milestones below are due


class DroppingRelay(Mailbox):
    """Closes each connection after `every` messages, once it has answered the last; or, with
    `mid_data`, instead of answering that one (the message arrived, the sender can't know)."""

    def __init__(self, every: int, mid_data: bool = False) -> None:
        super().__init__()
        self.every, self.mid_data = every, mid_data
        self.per_connection: Counter = Counter()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        answer = await super().handle_DATA(server, session, envelope)
        self.per_connection[id(session)] += 1
        if self.per_connection[id(session)] % self.every == 0:
            if self.mid_data:
                server.transport.abort()
                return "250 never said"
            asyncio.get_running_loop().call_soon(server.transport.close)
        return answer


class SlowRelay(Mailbox):
    """Takes `seconds` to accept each message: a sender's message is in hand for that long."""

    def __init__(self, seconds: float) -> None:
        super().__init__()
        self.seconds = seconds

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        await asyncio.sleep(self.seconds)
        return await super().handle_DATA(server, session, envelope)


@contextmanager
def relay(app, mailbox: Mailbox) -> Iterator[SmtpServer]:
    server = SmtpServer()
    server.mailbox = mailbox
    with serving(app, server):
        yield server


def pms_due(count: int) -> list:
    """`count` PMs with a milestone due in three days, scanned: one reminder each."""
    institute = make_institute()
    pms = [make_user(Role.PROJECT_MANAGER, locale="en", name=f"PM {n}") for n in range(count)]
    for pm in pms:
        helpers.milestone(make_project(pm=pm, institute=institute,
                                       phase=Phase.CONTRACT_RESEARCH), date(2026, 5, 15))
    scan.scan(DAY)
    db.session.commit()
    return pms


def states() -> Counter:
    db.session.expire_all()
    return Counter(dict(db.session.execute(
        select(OutboxMessage.state, func.count()).group_by(OutboxMessage.state)).all()))


def test_a_relay_that_closes_the_connection_every_three_messages_gets_all_seven(app,
                                                                              monkeypatch):
    pms = pms_due(7)
    opened = []
    real_open = transport.Transport.open
    monkeypatch.setattr(transport.Transport, "open",
                        lambda self: opened.append(1) or real_open(self))
    with relay(app, DroppingRelay(every=3)) as server:
        result = delivery.send_all(at(DAY), commit=db.session.commit)
    assert (result.sent, result.retrying, result.failed) == (7, 0, 0)
    assert len(opened) == 3  # 3 + 3 + 1 messages: the run went on over new connections
    assert sorted(to for recipients, _m in server.received for to in recipients) == sorted(
        pm.email for pm in pms)
    assert states() == {MessageState.SENT: 7}


class Witness(Mailbox):
    """Notes, in one list with the sender's commits, when each e-mail's content arrived."""

    def __init__(self, events: list[str]) -> None:
        super().__init__()
        self.events = events

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        self.events.append("content")
        return await super().handle_DATA(server, session, envelope)


def slow_commits(events: list[str], fail_at: int = 0):
    """db.session.commit taking 50 ms (time for the next e-mail's envelope to go out, and for
    its content too if nothing held it back); the `fail_at`-th raises instead."""

    def commit() -> None:
        time.sleep(0.05)
        events.append("commit")
        if events.count("commit") == fail_at:
            raise RuntimeError("the database went away")
        db.session.commit()

    return commit


def test_an_e_mail_goes_out_only_once_the_answer_before_it_is_committed(app):
    """Each e-mail's envelope goes out while the answer about the one before is committed, its
    content only after: a sender killed at any moment has at most one e-mail in doubt."""
    pms_due(4)
    events: list[str] = []
    with relay(app, Witness(events)):
        assert delivery.send_all(at(DAY), commit=slow_commits(events)).sent == 4
    # The claim's commit, then each e-mail's content and its answer's commit, in turn.
    contents = [n for n, event in enumerate(events) if event == "content"]
    assert len(contents) == 4 and events[:2] == ["commit", "commit"]  # recover, claim
    for one, next_one in zip(contents, contents[1:], strict=False):
        assert "commit" in events[one:next_one], events


def test_when_an_answer_cannot_be_committed_the_next_e_mail_does_not_go(app):
    pms_due(3)
    events: list[str] = []
    with relay(app, Witness(events)) as server, pytest.raises(RuntimeError):
        # recover, claim, then the first e-mail's answer: that commit fails.
        delivery.send_all(at(DAY), commit=slow_commits(events, fail_at=3))
    db.session.rollback()
    assert len(server.received) == 1  # the second e-mail's envelope went, its content never


def test_an_e_mail_whose_turn_never_comes_is_not_handed_over(smtp):
    outcome = transport.Transport().deliver(b"Subject: x\r\n\r\nbody\r\n", "pm@jitri.example",
                                            transport.Turn(timeout=0.05))
    assert outcome.result == mail.RETRY and not smtp.received
    assert explain(outcome.answer).startswith("The message was not handed to the mail server")


def test_a_connection_dropped_while_a_message_is_taken_retries_that_one_only(app):
    pms_due(5)
    with relay(app, DroppingRelay(every=2, mid_data=True)) as server:
        first = delivery.send_all(at(DAY), commit=db.session.commit)
        # Messages 2 and 4 were cut off mid-answer: they may have arrived, so they wait for
        # their next attempt (a minute) rather than go again at once; the others went on.
        assert (first.sent, first.retrying) == (3, 2)
        server.mailbox.every = 100  # the relay behaves again
        later = delivery.send_all(at(DAY) + timedelta(minutes=1), commit=db.session.commit)
    assert later.sent == 2
    received = Counter(to for recipients, _m in server.received for to in recipients)
    # The two cut off had arrived: each came twice (with the same Message-ID), no other did.
    assert len(received) == 5 and sorted(received.values()) == [1, 1, 1, 2, 2]
    assert states() == {MessageState.SENT: 5}


def test_hq_sends_every_failed_message_again_after_an_outage(app, client):
    pms = pms_due(3)
    app.config["MAIL_MAX_ATTEMPTS"] = 1
    try:
        with relay(app, Mailbox()) as server:
            server.stop()  # a day-long outage: every attempt used up
            delivery.send_all(at(DAY), commit=db.session.commit)
            assert states() == {MessageState.FAILED: 3}
            admin = make_user(Role.HQ_ADMIN, locale="zh_CN")
            login(client, admin)
            page = client.get("/admin/reminders/?state=failed").get_data(as_text=True)
            assert "重新发送所有失败的消息" in page  # the button, in the admin's language
            response = post(client, "/admin/reminders/retry-failed")
            assert response.status_code == 302
            assert "3 条失败的消息将在下次运行时重新发送" in client.get(
                response.headers["Location"]).get_data(as_text=True)
            assert states() == {MessageState.PENDING: 3}
            audited = db.session.scalars(select(AuditRecord).where(
                AuditRecord.action == "reminder.retry", AuditRecord.actor_id == admin.id)).all()
            assert len(audited) == 3
            assert all(r.changes["state"] == ["failed", "pending"] for r in audited)
            again = post(client, "/admin/reminders/retry-failed")
            assert again.status_code == 409  # nothing failed any more
            server.start()
            assert delivery.send_all(at(DAY), commit=db.session.commit).sent == 3
        assert sorted(to for recipients, _m in server.received for to in recipients) == sorted(
            pm.email for pm in pms)
    finally:
        del app.config["MAIL_MAX_ATTEMPTS"]


def test_only_hq_admins_retry_in_bulk(client):
    """Who retries is one predicate (`OutboxMessage.can_retry`), asked by the page and the
    service alike: a PM is refused by both, one message or every failed one."""
    pm = make_user(Role.PROJECT_MANAGER)
    login(client, pm)
    assert post(client, "/admin/reminders/retry-failed").status_code == 403
    assert post(client, "/admin/reminders/1/retry").status_code == 403
    assert not OutboxMessage.can_retry(pm) and OutboxMessage.can_retry(
        make_user(Role.HQ_ADMIN))
    with pytest.raises(Forbidden):
        retries.retry_failed(pm)


# --- real sender processes (PostgreSQL: the test's data must be committed for them) --------

needs_pg = pytest.mark.skipif(not PG_URL, reason="a sender process reads committed data")


def sender(app, engine, server: SmtpServer, log, **settings) -> subprocess.Popen:
    env = processes.flask_env(engine.url.render_as_string(hide_password=False),
                              MAIL_SERVER="127.0.0.1", MAIL_PORT=server.port,
                              MAIL_FROM="tracker@jitri.example", **settings)
    return processes.start(["reminders", "send"], env, log)


def received(server: SmtpServer) -> Counter:
    return Counter(to for recipients, _m in server.received for to in recipients)


@needs_pg
def test_a_sender_killed_twice_in_a_200_recipient_batch_sends_each_once_but_two(
        app, engine, real_commits, tmp_path):
    pms = pms_due(200)
    with relay(app, SlowRelay(0.01)) as server:
        for kill_after in (40, 120):
            process = sender(app, engine, server, tmp_path / "send.log",
                             MAIL_SENDING_TIMEOUT_SECONDS=0)
            processes.wait_for(lambda n=kill_after: len(server.received) >= n, 120,
                               f"{kill_after} messages received")
            process.kill()  # SIGKILL: no goodbye, whatever was in hand
            process.wait()
        last = sender(app, engine, server, tmp_path / "send.log", MAIL_SENDING_TIMEOUT_SECONDS=0)
        assert last.wait(timeout=120) == 0, (tmp_path / "send.log").read_text()
    got = received(server)
    assert set(got) == {pm.email for pm in pms}  # everyone got theirs
    assert sum(got.values()) <= 200 + 2, got.most_common(3)  # at most one more per kill
    assert states() == {MessageState.SENT: 200}


@needs_pg
def test_sigterm_finishes_the_message_in_hand_and_stops(app, engine, real_commits, tmp_path):
    pms_due(20)
    with relay(app, SlowRelay(0.3)) as server:
        process = sender(app, engine, server, tmp_path / "send.log")
        processes.wait_for(lambda: len(server.received) >= 3, 180, "three messages received")
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0, (tmp_path / "send.log").read_text()
        time.sleep(0.5)  # nothing more arrives after it stopped
        stopped_at = len(server.received)
        assert 3 <= stopped_at < 20
        # What arrived is recorded as sent, nothing is left claimed, the rest waits.
        assert states() == {MessageState.SENT: stopped_at, MessageState.PENDING: 20 - stopped_at}
        rest = sender(app, engine, server, tmp_path / "send.log")
        assert rest.wait(timeout=180) == 0
    assert set(received(server).values()) == {1} and len(received(server)) == 20
