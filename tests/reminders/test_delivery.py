"""Delivery over SMTP: an outage delays mail and never loses it, a refused recipient is failed
with the server's answer while the others go out, one connection per batch, digests."""

from __future__ import annotations

import re
import sys
from datetime import date, timedelta

import pytest
from flask_babel import force_locale
from sqlalchemy import event, select, text

from tests.conftest import PG_URL
from tests.factories import make_user
from tests.reminders import helpers
from tests.reminders.conftest import addressed, at, text_of
from tracker import db
from tracker.accounts.models import Role
from tracker.notifications.diagnoses import explain, said
from tracker.reminders import delivery, preferences, scan, transport
from tracker.reminders.models import MessageState, OutboxMessage

DAY = date(2026, 5, 12)  # three days before the milestones below are due


def three_pms():
    pms = [make_user(Role.PROJECT_MANAGER, locale="en", name=f"PM {n}") for n in range(3)]
    for pm in pms:
        helpers.milestone(helpers.project_for(pm), date(2026, 5, 15))
    scan.scan(DAY)
    db.session.commit()
    return pms


def outbox() -> list[OutboxMessage]:
    db.session.expire_all()
    return db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()


def test_without_a_mail_server_messages_stay_in_the_outbox(app):
    assert app.config["MAIL_SERVER"] == ""
    three_pms()
    result = delivery.send_all(at(DAY), commit=db.session.commit)
    assert result.mail_server is False and result.sent == 0
    assert [m.state for m in outbox()] == [MessageState.PENDING] * 3


def test_smtp_down_then_up_delivers_every_message_once(smtp):
    pms = three_pms()
    smtp.stop()
    now = at(DAY)
    down = delivery.send_all(now, commit=db.session.commit)
    assert (down.sent, down.retrying, down.failed) == (0, 3, 0)
    assert any("Connection refused" in a or "ConnectionRefused" in a for a in down.answers)
    with force_locale("zh_CN"):  # the system's words after a sentence of the reader's language
        assert {explain(a).split("：")[0] for a in down.answers} == {"无法连接邮件服务器"}
    for message in outbox():
        assert message.state is MessageState.PENDING
        assert message.attempts == 1
        assert message.next_attempt_at == now + timedelta(minutes=1)

    still_down = delivery.send_all(now + timedelta(minutes=1), commit=db.session.commit)
    assert still_down.retrying == 3
    assert {m.next_attempt_at for m in outbox()} == {now + timedelta(minutes=3)}  # 1 + 2

    smtp.start()
    early = delivery.send_all(now + timedelta(minutes=2), commit=db.session.commit)
    assert early.sent == 0  # the backoff holds until its time
    up = delivery.send_all(now + timedelta(minutes=3), commit=db.session.commit)
    assert (up.sent, up.emails) == (3, 3)
    assert delivery.send_all(now + timedelta(hours=1), commit=db.session.commit).sent == 0
    assert addressed(smtp.take()) == sorted(pm.email for pm in pms)
    assert [m.state for m in outbox()] == [MessageState.SENT] * 3


def test_out_of_attempts_a_message_is_failed_not_lost(app, smtp):
    three_pms()
    smtp.stop()
    app.config["MAIL_MAX_ATTEMPTS"] = 2
    try:
        now = at(DAY)
        delivery.send_all(now, commit=db.session.commit)
        result = delivery.send_all(now + timedelta(minutes=1), commit=db.session.commit)
    finally:
        del app.config["MAIL_MAX_ATTEMPTS"]
    assert result.failed == 3
    assert {m.state for m in outbox()} == {MessageState.FAILED}
    assert all(m.last_error for m in outbox())


def test_a_recipient_refused_for_good_fails_while_the_others_go_out(smtp):
    pms = three_pms()
    answer = f"550 5.1.1 <{pms[1].email}>: Recipient address rejected: User unknown"
    smtp.mailbox.refuse[pms[1].email] = answer
    result = delivery.send_all(at(DAY), commit=db.session.commit)
    assert (result.sent, result.failed, result.retrying) == (2, 1, 0)
    assert addressed(smtp.take()) == sorted([pms[0].email, pms[2].email])
    states = {m.recipient_id: m for m in outbox()}
    refused = states[pms[1].id]
    assert refused.state is MessageState.FAILED
    # Kept as a code and the server's words; said in the reader's language (issue 9 point 7).
    assert refused.last_error == said("mail_refused", answer)
    with force_locale("en"):
        assert explain(refused.last_error) == (
            f"The mail server refused the message for good: {answer}")
    with force_locale("zh_CN"):
        assert explain(refused.last_error) == f"邮件服务器拒收了这封邮件，不再重试：{answer}"
    assert states[pms[0].id].state is states[pms[2].id].state is MessageState.SENT
    # Failed stays failed: the next run does not try again.
    assert delivery.send_all(at(DAY) + timedelta(days=1), commit=db.session.commit).sent == 0


def test_a_recipient_refused_for_now_is_tried_again(smtp):
    pms = three_pms()
    smtp.mailbox.refuse[pms[0].email] = "451 4.7.1 Greylisted, try again later"
    result = delivery.send_all(at(DAY), commit=db.session.commit)
    assert (result.sent, result.retrying) == (2, 1)
    smtp.take()
    del smtp.mailbox.refuse[pms[0].email]
    later = delivery.send_all(at(DAY) + timedelta(minutes=5), commit=db.session.commit)
    assert later.sent == 1
    assert addressed(smtp.take()) == [pms[0].email]


def test_one_digest_per_recipient_unless_they_chose_one_message_per_item(smtp):
    pm = make_user(Role.PROJECT_MANAGER, locale="en")
    project = helpers.project_for(pm)
    helpers.milestone(project, date(2026, 5, 15), title="Prototype")
    helpers.milestone(project, date(2026, 5, 14), title="Test bench")
    helpers.instalment(project, date(2026, 5, 19))
    scan.scan(DAY)
    db.session.commit()
    result = delivery.send_all(at(DAY), commit=db.session.commit)
    assert (result.sent, result.emails) == (3, 1)
    [(to, digest)] = smtp.take()
    assert digest["Subject"].endswith(", and 2 more")
    body = text_of(digest)
    assert "These 3 deadlines need your attention" in body
    for title in ("Prototype", "Test bench", "Sensor development"):
        assert title in body

    preferences.save_preferences(pm, per_item=True, opted_out=[])
    db.session.commit()
    scan.scan(date(2026, 5, 16))  # the two milestones' +1, the instalment's -3 is past
    db.session.commit()
    delivery.send_all(at(date(2026, 5, 16)), commit=db.session.commit)
    received = smtp.take()
    assert len(received) == 2
    assert sorted(m["Subject"] for _to, m in received) == [
        "Overdue since May 14, 2026: Milestone “Test bench”",
        "Overdue since May 15, 2026: Milestone “Prototype”",
    ]


def test_messages_of_a_batch_share_one_connection(smtp, monkeypatch):
    three_pms()
    opened = []
    original = transport.Transport.open

    def counting_open(self):
        opened.append(1)
        original(self)

    monkeypatch.setattr(transport.Transport, "open", counting_open)
    assert delivery.send_all(at(DAY), commit=db.session.commit).sent == 3
    assert len(opened) == 1


def test_the_smtp_thread_gets_pythons_lock_promptly_while_a_batch_is_sent(smtp, monkeypatch):
    """The SMTP thread is not kept waiting 5 ms (Python's default) for the lock the composing
    thread holds: the switch interval is short while the batch goes, and put back after, even
    when the run stops on an error."""
    three_pms()
    before = sys.getswitchinterval()
    seen = []
    real = transport.Transport.deliver
    monkeypatch.setattr(transport.Transport, "deliver", lambda self, *args: seen.append(
        sys.getswitchinterval()) or real(self, *args))
    assert delivery.send_all(at(DAY), commit=db.session.commit).sent == 3
    assert seen == [pytest.approx(transport.PROMPT_SWITCH)] * 3  # Python keeps microseconds
    assert before > transport.PROMPT_SWITCH
    assert sys.getswitchinterval() == pytest.approx(before)

    commits = []

    def failing_commit():  # the claim's commit goes through, the first answer's fails
        commits.append(sys.getswitchinterval())
        if len(commits) > 1:
            raise RuntimeError("the database went away")
        db.session.commit()

    helpers.milestone(helpers.project_for(make_user(Role.PROJECT_MANAGER)), date(2026, 5, 15))
    scan.scan(DAY)
    db.session.commit()
    with pytest.raises(RuntimeError):
        delivery.send(at(DAY), commit=failing_commit)
    assert commits[1] == pytest.approx(transport.PROMPT_SWITCH)  # it raised inside the batch
    assert sys.getswitchinterval() == pytest.approx(before)


@pytest.mark.parametrize("locale,expected", [("zh_CN", "2026年5月15日"), ("en", "May 15, 2026")])
def test_the_message_is_in_the_recipients_language(smtp, locale, expected):
    pm = make_user(Role.PROJECT_MANAGER, locale=locale)
    helpers.milestone(helpers.project_for(pm), date(2026, 5, 15))
    scan.scan(DAY)
    db.session.commit()
    delivery.send_all(at(DAY), commit=db.session.commit)
    [(_to, message)] = smtp.take()
    assert expected in message["Subject"]
    assert expected in text_of(message)


def test_an_unreachable_server_ends_the_run_after_one_batch(smtp):
    three_pms()
    smtp.stop()
    result = delivery.send_all(at(DAY), commit=db.session.commit, batch=1)
    assert (result.sent, result.retrying) == (0, 1)
    # The other recipients were not tried: no attempt counted against them.
    assert sorted(m.attempts for m in outbox()) == [0, 0, 1]
    smtp.start()
    later = delivery.send_all(at(DAY) + timedelta(minutes=1), commit=db.session.commit)
    assert later.sent == 3


@pytest.mark.skipif(not PG_URL, reason="PostgreSQL's synchronous_commit")
def test_answers_commit_without_waiting_for_the_disk_and_the_claim_does(
        app, engine, real_commits, smtp):
    """Each answer's commit returns once the server has it (a durable commit waits for an
    fsync, longer than an e-mail takes): `SET LOCAL`, in that transaction only, said by the
    UPDATE that marks the e-mail's messages sent (`set_config(..., true)`), not by a statement
    of its own; the claim, made before anything goes out, waits for the disk as every other
    commit does."""
    three_pms()
    transactions: list[list[str]] = [[]]

    def statement(_conn, _cursor, sql, *_args):
        transactions[-1].append(sql)

    def committed(_conn):
        transactions.append([])

    event.listen(engine, "before_cursor_execute", statement)
    event.listen(engine, "commit", committed)
    try:
        assert delivery.send_all(at(DAY), commit=db.session.commit).sent == 3
    finally:
        event.remove(engine, "before_cursor_execute", statement)
        event.remove(engine, "commit", committed)
    asynchronous = "set_config('synchronous_commit', 'off', true) IS NOT NULL"
    claims = [t for t in transactions if any(  # state=sending, next_attempt_at=its end
        s.startswith("UPDATE reminder_outbox SET state=%(state)s, next_attempt_at=")
        for s in t)]
    answers = [t for t in transactions if any(
        s.startswith("UPDATE reminder_outbox") and "sent_at" in s for s in t)]
    assert len(claims) == 1 and not any(asynchronous in s for s in claims[0])
    assert len(answers) == 3 and all(
        asynchronous in s for t in answers for s in t if "sent_at" in s)
    assert not any(s.startswith("SET LOCAL") for t in transactions for s in t)
    # Not left on the connection for the next transaction.
    assert db.session.scalar(text("SHOW synchronous_commit")) == "on"
    assert [m.state for m in outbox()] == [MessageState.SENT] * 3


@pytest.mark.skipif(not PG_URL, reason="PostgreSQL's implicit transactions")
def test_each_answer_is_one_round_trip_of_its_own(app, engine, real_commits, smtp, tmp_path):
    """With the answer before committed, the UPDATE marking an e-mail's messages sent runs as a
    transaction of its own (autocommit): one round trip on the wire, where BEGIN, the UPDATE and
    COMMIT took three for each e-mail; the claim keeps its BEGIN and COMMIT, each e-mail is still
    marked sent (and committed) before the next answer is awaited, and the connection is left
    as it was found."""
    three_pms()
    wire = tmp_path / "wire"
    traced = []

    def trace(dbapi_connection, *_args):
        if dbapi_connection.pgconn not in traced:
            traced.append(dbapi_connection.pgconn)
            dbapi_connection.pgconn.trace(out.fileno())

    with wire.open("w") as out:
        event.listen(engine, "checkout", trace)
        try:
            assert delivery.send_all(at(DAY), commit=db.session.commit).sent == 3
        finally:
            event.remove(engine, "checkout", trace)
            for pgconn in traced:
                pgconn.untrace()
    # A round trip: what the client sent up to its Sync (or simple Query), and the status the
    # server was ready in after it (T: in a transaction, I: none open, all committed).
    trips: list[tuple[str, str]] = []
    sent: list[str] = []
    for entry in re.split(r"\n(?=\d{4}-\d\d-\d\d )", wire.read_text()):
        _when, side, _length, kind, *said = entry.split("\t")
        if side == "F":
            sent.append(f"{kind} {' '.join(said)}")
        elif kind == "ReadyForQuery":
            trips.append((" ".join(sent), said[0].strip()))
            sent = []
    answers = [n for n, (said, _status) in enumerate(trips)
               if "UPDATE reminder_outbox SET state = 'sent'" in said]
    assert len(answers) == 3
    for n in answers:
        assert '"BEGIN"' not in trips[n - 1][0] and trips[n][1] == "I"
        assert n + 1 == len(trips) or '"COMMIT"' not in trips[n + 1][0]
    assert any('"BEGIN"' in said for said, _status in trips)  # the claim's transaction
    assert db.session.connection().connection.driver_connection.autocommit is False
    assert [m.state for m in outbox()] == [MessageState.SENT] * 3
