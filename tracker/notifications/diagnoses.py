"""What went wrong sending to a robot or a WeCom application, in the reader's language.

The sender runs in the scheduler, where no reader's language is known, and its diagnosis is
kept in the outbox (`last_error`) for HQ admins who read it later in theirs. So the sender
keeps a code and the platform's own words ("[http] HTTP 429 Too Many Requests"), `said`; the
outbox page and its files turn the code into a sentence of the reader's language, `explain`,
the platform's words after it as the platform wrote them. The mail server's answers are kept
the same way (`mail_*`, tracker/reminders/transport.py): the sentence says what happened, the
server's or the system's words follow it as they came ("550 5.1.1 User unknown",
"ConnectionRefusedError: [Errno 111] Connection refused").
"""

from __future__ import annotations

import re
from collections.abc import Callable

from flask_babel import gettext as _

# Each code's sentence, given the platform's words (read when shown: in the reader's language).
DIAGNOSES: dict[str, Callable[[str], str]] = {
    "not_allowed": lambda a: _("The robot's address is not on a host this server may post to "
                               "(WEBHOOK_HOSTS)."),
    "no_address": lambda a: _("No robot address: the recipient removed it."),
    "http": lambda a: _("The platform answered with an HTTP error: %(answer)s", answer=a),
    "unreachable": lambda a: _("The platform could not be reached: %(answer)s", answer=a),
    "not_json": lambda a: _("The platform's answer was not JSON."),
    "refused": lambda a: _("The platform refused the message: %(answer)s", answer=a),
    "busy": lambda a: _("The platform is busy or its rate limit is reached: %(answer)s",
                        answer=a),
    "not_composed": lambda a: _("The message could not be written: %(answer)s", answer=a),
    "not_handed": lambda a: _("The message was not handed to the mail server: the answer about "
                              "the one before it could not be recorded in time. It is tried "
                              "again later."),
    "app_unset": lambda a: _("WeCom application messages are not set up on this server "
                             "(WECOM_CORP_ID, WECOM_AGENT_ID, WECOM_SECRET)."),
    "no_wecom_user": lambda a: _("The recipient has not given their WeCom account ID."),
    "token": lambda a: _("WeCom refused the application's credentials: %(answer)s", answer=a),
    "unknown_user": lambda a: _("WeCom does not know the recipient's account ID: %(answer)s",
                                answer=a),
    "mail_unreachable": lambda a: _("The mail server could not be reached: %(answer)s",
                                    answer=a),
    "mail_lost": lambda a: _("The mail server closed the connection before it took the "
                             "message: %(answer)s", answer=a),
    "mail_sender": lambda a: _("The mail server refused the sender's address: %(answer)s",
                               answer=a),
    "mail_refused": lambda a: _("The mail server refused the message for good: %(answer)s",
                                answer=a),
    "mail_deferred": lambda a: _("The mail server asked for the message to be tried again "
                                 "later: %(answer)s", answer=a),
}
_SAID = re.compile(r"^\[([a-z_]+)\] ?(.*)$", re.S)


def said(code: str, answer: str = "") -> str:
    """The diagnosis as the outbox keeps it: a code of DIAGNOSES, the platform's words."""
    if code not in DIAGNOSES:
        raise KeyError(code)
    return f"[{code}] {answer}".strip()


def explain(kept: str) -> str:
    """The kept diagnosis as a sentence in the current language (other text unchanged)."""
    found = _SAID.match(kept or "")
    if found is None or found.group(1) not in DIAGNOSES:
        return kept or ""
    return DIAGNOSES[found.group(1)](found.group(2))
