"""Benchmark of the reminders: the scan over 100,000 milestones, and delivering 1,000 messages.

    .venv/bin/python bench/reminders.py [--runs 5] [--backends sqlite,postgresql]
        [--pg-url postgresql+psycopg://postgres@127.0.0.1:5432/]

For each backend it makes a database of its own (a SQLite file in a temporary directory; on
PostgreSQL a database it creates and drops), migrates it, fills it with the sizes of domain.md
(80 institutes, 1,000 project managers, 10,000 projects of which 1,000 active, 100,000
milestones of which 2,000 are due or overdue on the scan date), then times:

- scan: `scan.scan(date)` and its commit, on an empty outbox (every occurrence new);
- rescan: the same scan again (every occurrence already there);
- send: `delivery.send_all` of 1,000 pending messages, one per recipient, to an aiosmtpd server
  running in a process of its own on 127.0.0.1.

It prints the median of each over the runs. Targets: scan <= 2 s, delivery <= 10 s.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import dataset  # noqa: E402
from sqlalchemy import func, select, text, update  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

SCAN_DATE = date(2026, 6, 15)
MILESTONES, DUE = dataset.MILESTONES, dataset.DUE
MESSAGES = 1_000


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def timed(action) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def bench(label: str, db_url: str, runs: int, smtp_port: int) -> dict[str, float]:
    from tracker import create_app, db
    from tracker.migrate import upgrade
    from tracker.milestones.models import Milestone, MilestoneState
    from tracker.reminders import delivery
    from tracker.reminders import scan as scanning
    from tracker.reminders.models import MessageState, OutboxMessage

    app = create_app("development", DATABASE_URL=db_url, MAIL_SERVER="127.0.0.1",
                     MAIL_PORT=smtp_port, MAIL_FROM="tracker@bench.example", SQL_ECHO=False)
    with app.app_context():
        upgrade(db_url)
        t = timed(lambda: dataset.build(SCAN_DATE))
        print(f"[{label}] built {MILESTONES:,} milestones in {t:.1f} s", flush=True)
        open_due = db.session.scalar(select(func.count()).select_from(Milestone).where(
            Milestone.state == MilestoneState.IN_PROGRESS))
        print(f"[{label}] open milestones due or overdue on {SCAN_DATE}: {open_due}", flush=True)

        scans, rescans = [], []
        for _run in range(runs):
            db.session.execute(text("DELETE FROM reminder_outbox"))
            db.session.commit()
            result = None

            def scan():
                nonlocal result
                result = scanning.scan(SCAN_DATE)
                db.session.commit()

            scans.append(timed(scan))
            rescans.append(timed(scan))
            assert result is not None and result.new == 0
        print(f"[{label}] scan found {result.found} occurrences", flush=True)

        # 1,000 messages, one per project manager; the rest out of the way.
        chosen = list(db.session.scalars(
            select(func.min(OutboxMessage.id)).where(OutboxMessage.audience == "owner")
            .group_by(OutboxMessage.recipient_id).order_by(OutboxMessage.recipient_id)
            .limit(MESSAGES)))
        assert len(chosen) == MESSAGES, len(chosen)
        db.session.execute(update(OutboxMessage).values(state=MessageState.SENT))
        db.session.commit()
        now = datetime.combine(SCAN_DATE, datetime.min.time(), UTC) + timedelta(hours=1)
        sends = []
        for _run in range(runs):
            db.session.execute(update(OutboxMessage).where(OutboxMessage.id.in_(chosen)).values(
                state=MessageState.PENDING, attempts=0, sent_at=None, next_attempt_at=None,
                last_error=""))
            db.session.commit()
            outcome = None

            def send():
                nonlocal outcome
                outcome = delivery.send_all(now, commit=db.session.commit)

            sends.append(timed(send))
            assert outcome is not None and (outcome.sent, outcome.emails) == (MESSAGES,
                                                                               MESSAGES), outcome
        db.session.remove()
    app.extensions["engine"].dispose()
    return {"scan": statistics.median(scans), "rescan": statistics.median(rescans),
            "send": statistics.median(sends)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--pg-url", default=os.environ.get(
        "BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/"))
    args = parser.parse_args()

    port = free_port()
    smtp = subprocess.Popen(
        [sys.executable, "-m", "aiosmtpd", "-n", "-c", "aiosmtpd.handlers.Sink",
         "-l", f"127.0.0.1:{port}"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    results = {}
    try:
        for _ in range(50):  # wait for the server to listen
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        for backend in args.backends.split(","):
            if backend == "sqlite":
                with tempfile.TemporaryDirectory() as tmp:
                    results["SQLite"] = bench("SQLite", f"sqlite:///{tmp}/bench.db", args.runs,
                                              port)
            elif backend == "postgresql":
                results["PostgreSQL"] = with_pg_database(args.pg_url, args.runs, port)
            else:
                raise SystemExit(f"unknown backend {backend}")
    finally:
        smtp.terminate()
        smtp.wait()

    print()
    print(f"medians over {args.runs} runs; scan date {SCAN_DATE}; {MILESTONES:,} milestones, "
          f"{DUE:,} due or overdue; {MESSAGES:,} messages to aiosmtpd")
    print(f"{'backend':<12}{'scan':>10}{'rescan':>10}{'send 1,000':>12}")
    for name, r in results.items():
        print(f"{name:<12}{r['scan']:>9.2f}s{r['rescan']:>9.2f}s{r['send']:>11.2f}s")


def with_pg_database(base_url: str, runs: int, port: int) -> dict[str, float]:
    from tracker.db import make_engine

    name = f"bench_reminders_{os.getpid()}"
    admin_url = make_url(base_url).set(database="postgres")
    admin = make_engine(admin_url.render_as_string(hide_password=False)).execution_options(
        isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        url = make_url(base_url).set(database=name).render_as_string(hide_password=False)
        return bench("PostgreSQL", url, runs, port)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


if __name__ == "__main__":
    main()
