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
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, insert, select, text, update  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

SCAN_DATE = date(2026, 6, 15)
INSTITUTES = 80
PMS = 1_000
PROJECTS = 10_000
ACTIVE = 1_000
MILESTONES = 100_000
DUE = 2_000  # open, due between 60 days before and 14 days after the scan date
MESSAGES = 1_000


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def build(db_url: str) -> None:
    """The organisation, projects and milestones, with bulk inserts."""
    from tracker import db
    from tracker.accounts.models import Role, RoleGrant, User
    from tracker.milestones.models import Milestone, MilestoneState
    from tracker.organisations.models import Headquarters, Institute, InstituteType
    from tracker.projects.lifecycle import Phase
    from tracker.projects.models import Project, ProjectType

    session = db.session
    now = datetime.now(UTC)

    def users(prefix: str, n: int) -> list[dict]:
        return [{"email": f"{prefix}{i}@bench.example", "name": f"{prefix} {i}",
                 "password_hash": "-", "locale": "zh_CN" if i % 2 else "en", "active": True,
                 "failed_logins": 0,
                 "created_at": now} for i in range(n)]

    session.execute(insert(User), users("admin", 3) + users("director", INSTITUTES)
                    + users("pm", PMS))
    ids = dict(session.execute(select(User.email, User.id)).tuples().all())
    admins = [ids[f"admin{i}@bench.example"] for i in range(3)]
    directors = [ids[f"director{i}@bench.example"] for i in range(INSTITUTES)]
    pms = [ids[f"pm{i}@bench.example"] for i in range(PMS)]
    session.execute(insert(RoleGrant), [{"user_id": u, "role": Role.HQ_ADMIN} for u in admins]
                    + [{"user_id": u, "role": Role.PROJECT_MANAGER} for u in pms])

    session.execute(insert(Headquarters), [{"code": "BENCH", "name": "Bench HQ"}])
    hq_id = session.scalar(select(Headquarters.id))
    session.execute(insert(Institute), [
        {"hq_id": hq_id, "code": f"I{i:03d}", "name": f"Institute {i}", "field": "Materials",
         "type": InstituteType.INDEPENDENT, "director_id": directors[i]}
        for i in range(INSTITUTES)])
    institutes = list(session.scalars(select(Institute.id).order_by(Institute.id)))

    projects = []
    for n in range(PROJECTS):
        active = n < ACTIVE
        year = 2026 if active else 2016 + n % 10
        projects.append({
            "hq_id": hq_id, "year": year, "seq": n + 1, "code": f"BENCH-{year}-{n + 1:05d}",
            "title": f"Project {n}", "summary": "", "field": "Materials",
            "type": ProjectType.PM_MAJOR, "institute_id": institutes[n % INSTITUTES],
            # Active projects cycle through every PM, so the due milestones below reach all.
            "pm_id": pms[n % PMS], "trl_now": 4, "trl_target": 7,
            "budget_total": Decimal("3000000.00"),
            "start_date": date(year, 1, 1), "end_date": date(year + 3, 12, 31),
            "phase": Phase.CONTRACT_RESEARCH if active else Phase.COMPLETED,
            "created_at": now, "version": 1})
    session.execute(insert(Project), projects)
    project_ids = list(session.scalars(select(Project.id).order_by(Project.id)))
    active_ids, closed_ids = project_ids[:ACTIVE], project_ids[ACTIVE:]

    rows = []
    for n in range(MILESTONES):
        if n < DUE:  # two per active project: one per PM twice over
            project, state = active_ids[n % ACTIVE], MilestoneState.IN_PROGRESS
            due = SCAN_DATE + timedelta(days=14 - (n * 37) % 75)
        elif n < DUE + 8_000:  # planned, well ahead
            project, state = active_ids[n % ACTIVE], MilestoneState.PLANNED
            due = SCAN_DATE + timedelta(days=30 + n % 700)
        else:  # the past: accepted, in closed projects
            project, state = closed_ids[n % len(closed_ids)], MilestoneState.ACCEPTED
            due = date(2016, 1, 1) + timedelta(days=n % 3600)
        rows.append({"project_id": project, "phase": Phase.CONTRACT_RESEARCH,
                     "title": f"Milestone {n}", "deliverable": "", "due_date": due,
                     "weight": Decimal("1"), "state": state, "percent_complete": 0,
                     "waiver_reason": "", "created_at": now, "version": 1})
    for start in range(0, len(rows), 10_000):
        session.execute(insert(Milestone), rows[start:start + 10_000])
    session.commit()


def timed(action) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def bench(label: str, db_url: str, runs: int, smtp_port: int) -> dict[str, float]:
    from tracker import create_app, db
    from tracker.migrate import upgrade
    from tracker.milestones.models import Milestone, MilestoneState
    from tracker.reminders import delivery, scan
    from tracker.reminders.models import MessageState, OutboxMessage

    app = create_app("development", DATABASE_URL=db_url, MAIL_SERVER="127.0.0.1",
                     MAIL_PORT=smtp_port, MAIL_FROM="tracker@bench.example", SQL_ECHO=False)
    with app.app_context():
        upgrade(db_url)
        t = timed(lambda: build(db_url))
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
                result = scan.scan(SCAN_DATE)
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
