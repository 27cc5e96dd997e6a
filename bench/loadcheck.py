"""bench/load.py's bookkeeping around a run: the processes an earlier run left behind, the
state each run starts from, who holds the scheduler's lead, and the checks at the end.

- Every process the script starts (gunicorn, each scheduler) is the leader of a process group
  of its own, written to `instance/bench/load-<database>.pids`; the next run stops those groups
  first (an interrupted run's schedulers held the lead in a later run, whose own stood by).
- Each run starts from an empty outbox and from the load's scorecards not yet scored: its
  schedulers scan and send today's reminders as on a first run, its evaluators score, and
  every row the checks read is this run's.
- Delivery: the e-mails this run's SMTP server received, by Message-ID, against the outbox's
  e-mail rows as the sender groups them; each once, none missing, none unexpected, nothing
  left due or failed.
- No update lost: every progress post and scorecard answered 302 is stored as posted, nothing
  is stored that was not, every submission answered 302 left its milestone submitted.
"""

from __future__ import annotations

import os
import signal
import time
from collections import Counter, defaultdict
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
OURS = ("gunicorn", "scheduler")  # what the script starts: a reused pid is left alone
LOAD_REVIEWS = ("SELECT m.id FROM panel_members m JOIN gate_reviews r ON r.id = m.review_id "
                "JOIN projects p ON p.id = r.project_id WHERE p.title LIKE 'Load review %'")


# --- processes ----------------------------------------------------------------------------------


def pid_file(db_url: str) -> Path:
    return ROOT / "instance" / "bench" / f"load-{make_url(db_url).database}.pids"


def remember(db_url: str, pid: int) -> None:
    """Write down a process group the script started (its leader's pid)."""
    path = pid_file(db_url)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as out:
        out.write(f"{pid}\n")


def group(pgid: int) -> list[tuple[int, str]]:
    """The processes of process group `pgid`, with their command lines."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
            cmdline = Path(f"/proc/{entry}/cmdline").read_bytes()
        except OSError:
            continue
        # The command name may hold spaces and parentheses: the fields follow the last ")".
        fields = stat[stat.rindex(")") + 2:].split()
        if int(fields[2]) == pgid:
            found.append((int(entry), cmdline.replace(b"\0", b" ").decode(errors="replace")))
    return found


def stop_stale(db_url: str, grace: float = 60) -> list[str]:
    """Stop the process groups an earlier run of the script left behind (SIGTERM, then SIGKILL
    after `grace` seconds); what was stopped."""
    path = pid_file(db_url)
    if not path.exists():
        return []
    stopped, waiting = [], []
    for pgid in {int(line) for line in path.read_text().split()}:
        members = [(pid, cmd) for pid, cmd in group(pgid) if any(w in cmd for w in OURS)]
        if members:
            stopped += [f"{pid} {cmd.strip()}" for pid, cmd in members]
            os.killpg(pgid, signal.SIGTERM)
            waiting.append(pgid)
    deadline = time.monotonic() + grace
    while waiting and time.monotonic() < deadline:
        time.sleep(0.5)
        waiting = [pgid for pgid in waiting if group(pgid)]
    for pgid in waiting:
        os.killpg(pgid, signal.SIGKILL)
    path.unlink()
    return stopped


def lead_holder(db_url: str) -> str | None:
    """The application name ("tracker-scheduler <pid>") of the session holding the scheduler's
    advisory lock on this database, or None when nobody holds it."""
    from tracker.reminders.scheduler import LOCK_KEY  # after create_app: the models' order

    engine = create_engine(db_url)
    try:
        with engine.connect() as conn:
            return conn.scalar(text(
                "SELECT coalesce(a.application_name, 'backend ' || l.pid) FROM pg_locks l "
                "LEFT JOIN pg_stat_activity a ON a.pid = l.pid WHERE l.locktype = 'advisory' "
                "AND l.granted AND l.classid::bigint = :high AND l.objid::bigint = :low AND "
                "l.database = (SELECT oid FROM pg_database WHERE datname = current_database())"),
                {"high": LOCK_KEY >> 32, "low": LOCK_KEY & 0xFFFFFFFF})
    finally:
        engine.dispose()


def wait_lead_free(db_url: str, seconds: float) -> str | None:
    """None once nobody holds the lead; else, after `seconds`, who still does."""
    deadline = time.monotonic() + seconds
    while (holder := lead_holder(db_url)) is not None and time.monotonic() < deadline:
        time.sleep(1)
    return holder


def is_ours(holder: str | None, pids: list[int]) -> bool:
    from tracker.reminders.scheduler import APPLICATION_NAME

    return holder in {f"{APPLICATION_NAME} {pid}" for pid in pids}


# --- the state a run starts from ----------------------------------------------------------------


def reset(db_url: str):
    """Empty the outbox, put the load's scorecards back to unscored (no declaration either);
    the database's clock at that moment."""
    engine = create_engine(db_url)
    try:
        with engine.begin() as conn:
            conn.execute(text("DELETE FROM reminder_outbox"))
            conn.execute(text(f"DELETE FROM scores WHERE member_id IN ({LOAD_REVIEWS})"))
            conn.execute(text(
                "UPDATE panel_members SET declaration = NULL, declared_at = NULL, "
                "conflict_note = '', recommendation = NULL, comment = '', submitted_at = NULL "
                f"WHERE id IN ({LOAD_REVIEWS})"))
            return conn.scalar(text("SELECT now()"))
    finally:
        engine.dispose()


# --- delivery -----------------------------------------------------------------------------------


SOON = "now() + interval '3 minutes'"  # an event's quiet minute and the scheduler's interval


def drain(db_url: str, timeout: float) -> None:
    """Wait until no e-mail is being sent or due, nor due within minutes (the run's last
    events), or `timeout` seconds have passed."""
    engine = create_engine(db_url)
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            with engine.connect() as conn:
                if not conn.scalar(text(
                        "SELECT count(*) FROM reminder_outbox WHERE channel = 'email' AND "
                        "(state = 'sending' OR (state = 'pending' AND (next_attempt_at IS NULL "
                        f"OR next_attempt_at <= {SOON})))")):
                    return
            time.sleep(2)
    finally:
        engine.dispose()


def delivery(db_url: str, started_at, received: Counter,
             domain: str) -> tuple[dict, list[str]]:
    """The outbox's e-mail rows (all written since `started_at`: the run emptied it) against
    the Message-IDs this run's SMTP server received (a digest's is made with the sender's
    `domain`): figures, and what does not hold."""
    from tracker.reminders.mail import digest_message_id

    engine = create_engine(db_url)
    with engine.connect() as conn:
        rows = conn.execute(text(
            "SELECT o.recipient_id, o.sent_at, o.kind, o.locale, o.message_id, o.state, "
            "o.created_at, coalesce(p.per_item, false) AS per_item, "
            f"(o.next_attempt_at IS NOT NULL AND o.next_attempt_at > {SOON}) AS later "
            "FROM reminder_outbox o LEFT JOIN reminder_preferences p ON p.user_id = "
            "o.recipient_id WHERE o.channel = 'email'")).all()
    engine.dispose()
    # Not due yet (a recipient's digest tomorrow): neither sent nor counted missing.
    states = Counter("pending later" if row.state == "pending" and row.later else row.state
                     for row in rows)
    older = sum(1 for row in rows if row.created_at < started_at)
    # The sender's e-mails: per batch (its clock, `sent_at`), recipient, kind and language; one
    # per reminder for those who chose so (tracker/reminders/delivery.py, `_emails`).
    groups: dict[tuple, list[str]] = defaultdict(list)
    for row in rows:
        if row.state != "sent":
            continue
        key = (row.recipient_id, row.sent_at, row.kind, row.locale)
        if row.per_item and row.kind == "reminder":
            key += (row.message_id,)
        groups[key].append(row.message_id)
    expected = {digest_message_id(ids, domain) for ids in groups.values()}
    twice = {mid: n for mid, n in received.items() if n > 1}
    missing = expected - set(received)
    unexpected = set(received) - expected
    figures = {"rows": len(rows), "by state": dict(states), "e-mails expected": len(expected),
               "e-mails received": sum(received.values()), "received twice": len(twice),
               "missing": len(missing), "unexpected": len(unexpected)}
    problems = []
    if older:
        problems.append(f"{older} outbox rows older than the run")
    for state in ("pending", "sending", "failed"):
        if states[state]:
            problems.append(f"{states[state]} e-mail rows {state} after the drain")
    if twice:
        problems.append(f"{len(twice)} e-mails received more than once, e.g. "
                        f"{next(iter(twice))} x{next(iter(twice.values()))}")
    if missing:
        problems.append(f"{len(missing)} e-mails the outbox marks sent never received, "
                        f"e.g. {next(iter(missing))}")
    if unexpected:
        problems.append(f"{len(unexpected)} e-mails received that no sent row accounts for, "
                        f"e.g. {next(iter(unexpected))}")
    return figures, problems


# --- no update lost -----------------------------------------------------------------------------


def lost_updates(db_url: str, run: str, progress: list[tuple[int, str]], submitted: list[int],
                 scored: list[tuple[int, str, dict[str, str]]]) -> list[str]:
    """`progress`: (milestone, note) answered 302; `submitted`: milestones whose submission was
    answered 302; `scored`: (review, evaluator's e-mail, the fields posted) answered 302."""
    engine = create_engine(db_url)
    problems = []
    with engine.connect() as conn:
        stored = Counter(conn.execute(text(
            "SELECT milestone_id, note FROM progress_updates WHERE note LIKE :mark"),
            {"mark": f"load {run} %"}).all())
        for (milestone, note), count in Counter(progress).items():
            if stored[(milestone, note)] != count:
                problems.append(f"progress {note!r} on milestone {milestone}: answered 302 "
                                f"{count}x, stored {stored[(milestone, note)]}x")
        extra = sum(stored.values()) - len(progress)
        if extra > 0:
            problems.append(f"{extra} progress posts stored that were never answered 302")
        for milestone in submitted:
            state = conn.scalar(text("SELECT state FROM milestones WHERE id = :id"),
                                {"id": milestone})
            if state != "submitted":
                problems.append(f"milestone {milestone} answered 302 to its submission but is "
                                f"{state}")
        cards = defaultdict(dict)
        for review, email, recommendation, comment, criterion, passed, value in conn.execute(
                text("SELECT m.review_id, u.email, m.recommendation, m.comment, s.criterion_id, "
                     "s.passed, s.value FROM panel_members m JOIN users u ON u.id = m.user_id "
                     "LEFT JOIN scores s ON s.member_id = m.id "
                     f"WHERE m.submitted_at IS NOT NULL AND m.id IN ({LOAD_REVIEWS})")):
            card = cards[(review, email)]
            card["recommendation"], card["comment"] = recommendation, comment
            if criterion is not None:
                card[f"c{criterion}"] = ("1" if passed else "0") if passed is not None \
                    else str(value)
        for review, email, posted in scored:
            card = cards.pop((review, email), None)
            want = {k: v.strip() for k, v in posted.items()
                    if k == "recommendation" or k == "comment"
                    or (k[0] == "c" and k[1:].isdigit())}
            if card is None:
                problems.append(f"{email}'s scorecard on review {review} answered 302, not "
                                f"stored")
            elif card != want:
                problems.append(f"{email}'s scorecard on review {review}: posted {want}, "
                                f"stored {card}")
        for review, email in cards:
            problems.append(f"{email}'s scorecard on review {review} stored, never answered 302")
    engine.dispose()
    return problems
