"""A real SMTP server (aiosmtpd on 127.0.0.1) for the reminder tests, and the steps of a day:
scan, then send, at a chosen date."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, time
from email import message_from_bytes, policy
from email.message import EmailMessage
from zoneinfo import ZoneInfo

import pytest
from aiosmtpd.controller import Controller

from tests.conftest import empty_every_table
from tracker import db
from tracker.reminders import delivery, scan


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Mailbox:
    """The aiosmtpd handler: keeps what arrives, refuses the recipients a test names."""

    def __init__(self) -> None:
        self.received: list[tuple[list[str], EmailMessage]] = []
        self.refuse: dict[str, str] = {}  # address -> the server's answer, e.g. "550 ..."

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        message = message_from_bytes(envelope.content, policy=policy.default)
        self.received.append((list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"


class SmtpServer:
    def __init__(self) -> None:
        self.port = free_port()
        self.mailbox = Mailbox()
        self.controller: Controller | None = None

    def start(self) -> None:
        self.controller = Controller(self.mailbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    @property
    def received(self) -> list[tuple[list[str], EmailMessage]]:
        return self.mailbox.received

    def take(self) -> list[tuple[list[str], EmailMessage]]:
        """What arrived since the last call."""
        arrived = list(self.mailbox.received)
        self.mailbox.received.clear()
        return arrived


@contextmanager
def sending_to(app, server: SmtpServer) -> Iterator[SmtpServer]:
    """The app sending to `server` until the block ends."""
    saved = {key: app.config[key] for key in ("MAIL_SERVER", "MAIL_PORT", "MAIL_FROM")}
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=server.port,
                      MAIL_FROM="tracker@jitri.example")
    try:
        yield server
    finally:
        app.config.update(saved)


@contextmanager
def serving(app, server: SmtpServer) -> Iterator[SmtpServer]:
    """`server` running, and the app sending to it until the block ends."""
    server.start()
    try:
        with sending_to(app, server):
            yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def smtp_server() -> Iterator[SmtpServer]:
    """One SMTP server for the test process's tests that ask for `smtp` (in each directory whose
    conftest offers it), started when the first one does, instead of one a test."""
    server = SmtpServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def smtp(app, smtp_server: SmtpServer) -> Iterator[SmtpServer]:
    """An SMTP server the app sends to, running, nothing received and no recipient refused;
    `smtp.stop()` takes it down (`smtp.start()` up again; the next test finds it running)."""
    smtp_server.mailbox.received.clear()
    smtp_server.mailbox.refuse.clear()
    if smtp_server.controller is None:
        smtp_server.start()
    with sending_to(app, smtp_server):
        yield smtp_server


@pytest.fixture
def real_commits(app, engine) -> Iterator[None]:
    """Commits that really commit (PostgreSQL), for tests of concurrent transactions and of
    other processes; tables emptied after."""
    db.session.remove()
    db.session.configure(bind=engine, join_transaction_mode="conditional_savepoint")
    try:
        yield
    finally:
        db.session.remove()
        empty_every_table(engine)


SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(day: date, hour: int = 9) -> datetime:
    """An instant on `day` in the organisation's zone, as the scheduler would see it."""
    return datetime.combine(day, time(hour), SHANGHAI).astimezone(UTC)


def run_day(day: date, hour: int = 9) -> tuple[scan.ScanResult, delivery.SendResult]:
    """What the scheduler does on `day`: scan, commit, send every batch, commit."""
    found = scan.scan(day)
    db.session.commit()
    sent = delivery.send_all(at(day, hour), commit=db.session.commit)
    return found, sent


def addressed(received) -> list[str]:
    return sorted(to for recipients, _message in received for to in recipients)


def text_of(message: EmailMessage) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def html_of(message: EmailMessage) -> str:
    return message.get_body(preferencelist=("html",)).get_content()
