"""Talking SMTP: one connection for a batch of e-mails, and the turn each waits for before its
content goes out (tracker/reminders/delivery.py hands them over and records the answers).
"""

from __future__ import annotations

import smtplib
import ssl
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from flask import current_app

from tracker.notifications.diagnoses import said
from tracker.reminders.mail import FAILED, RETRY, SENT, Outcome


def _answer(code: int, message: bytes | str) -> str:
    text = message.decode("utf-8", "replace") if isinstance(message, bytes) else str(message)
    return f"{code} {text}".strip()


def _by_code(code: int, answer: str) -> Outcome:
    """A refusal of the message: for good on 5xx, for now otherwise."""
    if 500 <= code < 600:
        return Outcome(FAILED, said("mail_refused", answer))
    return Outcome(RETRY, said("mail_deferred", answer))


# How long the composing thread may keep Python's lock (the GIL) once the SMTP thread asks for it.
PROMPT_SWITCH = 0.0001  # seconds; Python's own default is 0.005


@contextmanager
def prompt_switches(interval: float = PROMPT_SWITCH) -> Iterator[None]:
    """While a batch is sent, a thread waiting for Python's lock gets it within `interval`.

    The SMTP thread is woken by its turn, and again by each answer of the server, while the
    other thread composes the next e-mail, holding the lock all along (about a millisecond of
    CPU): by default a waiting thread has it back only after 5 ms, so an e-mail's content went
    out once the next one was composed, not beside it, and most of the overlap the two threads
    are for was lost. Process-wide while it lasts, put back after: a web import the
    scheduler's process carries out at the same time switches threads more often for those
    few seconds too, which costs it a little CPU and changes nothing it writes."""
    before = sys.getswitchinterval()
    sys.setswitchinterval(min(before, interval))
    try:
        yield
    finally:
        sys.setswitchinterval(before)


class Turn:
    """When the next e-mail may be handed over: once the answer about the one before is
    committed. Its envelope (MAIL, RCPT: two round trips to the server) goes out meanwhile, its
    content (DATA) only then, so a sender killed at any moment has at most one e-mail in doubt.
    `go(False)`, or no answer within the SMTP timeout, leaves it unsent."""

    def __init__(self, timeout: float = 30) -> None:
        self._given = threading.Event()
        self._go = False
        self.timeout = timeout

    def go(self, go: bool = True) -> None:
        self._go = go
        self._given.set()

    def wait(self) -> bool:
        return self._given.wait(self.timeout) and self._go


class Transport:
    """One SMTP connection for a batch of messages, opened on first use, opened again when the
    server closes it (a relay that takes N messages per connection)."""

    def __init__(self) -> None:
        self.config = current_app.config
        self.smtp: smtplib.SMTP | None = None
        # Once a connection can't be opened, the rest of the batch waits for the next attempt.
        self.broken: Outcome | None = None
        self.opened = 0  # connections opened: one, unless the server closed some

    def open(self) -> None:
        smtp = smtplib.SMTP(self.config["MAIL_SERVER"], self.config["MAIL_PORT"], timeout=30)
        try:
            if self.config["MAIL_USE_TLS"]:
                smtp.starttls(context=ssl.create_default_context())
            if self.config["MAIL_USERNAME"]:
                smtp.login(self.config["MAIL_USERNAME"], self.config["MAIL_PASSWORD"])
        except Exception:
            smtp.close()
            raise
        self.smtp = smtp
        self.opened += 1

    def deliver(self, email: bytes, to: str, turn: Turn | None = None) -> Outcome:
        """Hand one message over. A refusal of this recipient is permanent on 5xx, temporary
        on 4xx. A connection the server closed before it had the message is opened again for
        it; closed while the server was taking it, the message is retried later (it may have
        arrived). A connection that can't be opened is temporary for this message and every
        later one of the batch (`broken`). With a `turn`, the envelope (sender, recipient)
        goes first and the message itself only once the turn is given."""
        if self.broken is not None:
            return self.broken
        for again in (False, True):
            if self.smtp is None:
                try:
                    self.open()
                except (OSError, smtplib.SMTPException) as error:
                    self.broken = Outcome(RETRY, said(
                        "mail_unreachable", f"{type(error).__name__}: {error}"),
                        connection_lost=True)
                    return self.broken
            outcome, handed = self._deliver(email, to, turn)
            if not (outcome.connection_lost and not handed) or again:
                return outcome
        raise AssertionError("unreachable")

    def _deliver(self, email: bytes, to: str, turn: Turn | None) -> tuple[Outcome, bool]:
        """The outcome, and whether the server may have the message (DATA was under way)."""
        assert self.smtp is not None
        smtp, handed = self.smtp, False
        try:
            smtp.ehlo_or_helo_if_needed()
            code, answer = smtp.mail(self.config["MAIL_FROM"])
            if code == 421:  # the server is closing this connection: not about the message
                return self._lost(_answer(code, answer)), False
            if code != 250:
                # Our sender address, not this recipient: temporary for the message.
                smtp.rset()
                return Outcome(RETRY, said("mail_sender", _answer(code, answer))), False
            code, answer = smtp.rcpt(to)
            if code == 421:
                return self._lost(_answer(code, answer)), False
            if code not in (250, 251):
                smtp.rset()
                return _by_code(code, _answer(code, answer)), False
            if turn is not None and not turn.wait():
                smtp.rset()
                return Outcome(RETRY, said("not_handed")), False
            handed = True
            code, answer = smtp.data(email)
            if code == 421:
                return self._lost(_answer(code, answer)), True
            if code != 250:
                return _by_code(code, _answer(code, answer)), True
        except smtplib.SMTPServerDisconnected as error:
            return self._lost(str(error) or "server disconnected"), handed
        except smtplib.SMTPResponseException as error:
            return _by_code(error.smtp_code, _answer(error.smtp_code, error.smtp_error)), handed
        except (OSError, smtplib.SMTPException) as error:
            return self._lost(f"{type(error).__name__}: {error}"), handed
        return Outcome(SENT), True

    def _lost(self, answer: str) -> Outcome:
        self.close()
        return Outcome(RETRY, said("mail_lost", answer), connection_lost=True)

    def close(self) -> None:
        if self.smtp is not None:
            try:
                self.smtp.quit()
            except (OSError, smtplib.SMTPException):
                self.smtp.close()
            self.smtp = None
