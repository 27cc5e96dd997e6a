"""`flask reminders scan|send` by hand, and `flask scheduler run`, which runs both on a timer."""

from __future__ import annotations

import json
import logging
import signal
import threading
from datetime import date

import click
from flask import current_app
from flask.cli import AppGroup
from flask_babel import force_locale

from tracker import db
from tracker.dates import today
from tracker.notifications.diagnoses import explain
from tracker.reminders import delivery, scan, scheduler

reminders_cli = AppGroup("reminders", help="Deadline reminders: scan for what is due, send.")
scheduler_cli = AppGroup("scheduler", help="The periodic jobs (a process of their own).")


def _date(ctx: click.Context, param: click.Parameter, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter("use YYYY-MM-DD") from None


@reminders_cli.command("scan")
@click.option("--as-of", callback=_date, metavar="YYYY-MM-DD",
              help="The date to scan for (default: today in the organisation's zone).")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
def scan_cmd(as_of: date | None, as_json: bool) -> None:
    """Write the reminders due on a date to the outbox (each occurrence once)."""
    result = scan.scan(as_of or today())
    db.session.commit()
    if as_json:
        click.echo(json.dumps(result.as_dict()))
    else:
        click.echo(f"{result.as_of}: found {result.found}, new {result.new}")


@reminders_cli.command("send")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
def send_cmd(as_json: bool) -> None:
    """Deliver the pending messages of the outbox over SMTP. Exits with 1 when the mail server
    could not be reached (the messages wait in the outbox for their next attempt). SIGTERM or
    Ctrl-C: the message in hand is finished and recorded, the rest waits for the next run."""
    stop = _stop_on_signals()
    result = delivery.send_all(commit=db.session.commit, go_on=lambda: not stop.is_set())
    pending = delivery.pending_count()
    retry_at = delivery.next_attempt() if result.unreachable else None
    if as_json:
        click.echo(json.dumps({**result.as_dict(), "pending": pending,
                               "unreachable": result.unreachable,
                               "next_attempt_at": retry_at.isoformat() if retry_at else None}))
    elif not result.mail_server:
        click.echo(f"MAIL_SERVER is not set: {pending} messages stay in the outbox")
    else:
        click.echo(f"sent {result.sent} in {result.emails} e-mails, {result.retrying} to retry, "
                   f"{result.failed} failed, {result.cancelled} cancelled; {pending} pending")
        with force_locale("en"):  # this command speaks English (the outbox, the reader's)
            for answer in result.answers:
                click.echo(f"  server: {explain(answer)}")
    if result.unreachable:
        when = (f"from {retry_at.isoformat(timespec='seconds')}" if retry_at
                else "at the next run")
        click.echo(f"error: the mail server {current_app.config['MAIL_SERVER']}:"
                   f"{current_app.config['MAIL_PORT']} could not be reached; {pending} messages "
                   f"wait in the outbox and will be tried again {when} (the next "
                   "`flask reminders send` or scheduler run after that)", err=True)
        raise SystemExit(1)


@scheduler_cli.command("run")
@click.option("--once", is_flag=True, help="One scan and send (if this process may lead).")
def run_cmd(once: bool) -> None:
    """Scan then send every SCHEDULER_INTERVAL_MINUTES; a standby while another holds the
    lock (PostgreSQL), and through any database outage. Stop with Ctrl-C or SIGTERM: the
    message in hand is finished first."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s "
                        "%(message)s")
    # Not a line per run of each job (every IMPORT_POLL_SECONDS): what it did is logged by it.
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    scheduler.run(current_app._get_current_object(), once=once, stop=_stop_on_signals())


def _stop_on_signals() -> threading.Event:
    """SIGTERM (systemd's stop, a deployment) and Ctrl-C end a sender as cleanly as each other:
    set the event the sending loop asks before each message."""
    stop = threading.Event()

    def stopping(signum, frame):
        logging.getLogger("tracker.scheduler").info(
            "%s: finishing the message in hand, then stopping", signal.Signals(signum).name)
        stop.set()

    signal.signal(signal.SIGTERM, stopping)
    signal.signal(signal.SIGINT, stopping)
    return stop
