"""Benchmark of the reminders at full size: the scan, the same scan again, and sending.

    .venv/bin/python bench/reminders.py [--runs 3] [--backends sqlite,postgresql]
        [--pg-url postgresql+psycopg://postgres@127.0.0.1:5432/] [--fresh]

(`python -m bench` runs this and the page benchmark.) Two data sets of bench/dataset.py
(80 institutes, 1,000 PMs, 10,000 projects, 100,000 milestones), kept by bench/databases.py and
built on first use, differ in how many milestones are open and due around the scan date:

- cycle: 2,000, which gives about 6,000 reminders to about 1,080 people (every PM, the
  directors, three HQ admins): the full cycle of the scheduler, a scan on an empty outbox then
  sending every digest (1 to several hundred items each) to an aiosmtpd server on 127.0.0.1;
- 60k: 20,000, which gives about 60,000 reminders: the scan (all new), and the same scan again
  (none new).

Each run empties the outbox first (on PostgreSQL by TRUNCATE: a DELETE left every row dead in
the table and its unique index, with the very keys the next run writes, and with autovacuum off
on this server each run checked its keys against the dead rows of every earlier one, so the
figures grew with each run on the same database). It prints the median over the runs.
Targets on PostgreSQL: 60,000-row scan <= 1 s and re-scan <= 0.3 s; full cycle (scan + send)
<= 4 s.
"""

from __future__ import annotations

import argparse
import gc
import os
import socket
import statistics
import subprocess
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import databases  # noqa: E402
import dataset  # noqa: E402
from cryptography.fernet import Fernet  # noqa: E402
from sqlalchemy import func, select, text  # noqa: E402

SCAN_DATE = date(2026, 6, 15)
SCENARIOS = {"cycle": 2_000, "60k": 20_000}  # open milestones due around the scan date


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def timed(action) -> tuple[float, object]:
    start = time.perf_counter()
    result = action()
    return time.perf_counter() - start, result


def bench(label: str, db_url: str, scenario: str, runs: int, smtp_port: int) -> dict:
    import tracker.models  # noqa: F401  (every mapper, before a module builds loader options)
    from tracker import create_app, db
    from tracker.migrate import upgrade
    from tracker.reminders import delivery
    from tracker.reminders import scan as scanning
    from tracker.reminders.models import OutboxMessage

    # Production settings, as the scheduler runs (templates are not re-read from disk).
    production = {"SECRET_KEY": os.urandom(32).hex(), "DATABASE_URL": db_url,
                  "BASE_URL": "http://127.0.0.1:5000", "RATELIMIT_STORAGE_URI": "memory://",
                  "ENCRYPTION_KEYS": os.environ.get("ENCRYPTION_KEYS")
                  or Fernet.generate_key().decode()}
    os.environ.update(production)
    # The config holds the keys as a tuple (config.py reads the variable's comma-separated
    # list); a string here would be read as one key per character.
    app = create_app("production", **{**production, "ENCRYPTION_KEYS": tuple(
                         production["ENCRYPTION_KEYS"].split(","))},
                     MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_port,
                     MAIL_USE_TLS=False, MAIL_FROM="tracker@bench.example", SQL_ECHO=False)
    # What the app loaded to start, frozen as app.py freezes it in every process that loads
    # it: the scheduler's too (`flask scheduler run` with FLASK_APP=app, README step 7). Not
    # frozen, the send's full pass of the collector walked it all (some 360,000 objects:
    # 0.48-1.0 s of a loaded machine's send, 0.02-0.12 s frozen).
    gc.collect()
    gc.freeze()
    with app.app_context():
        upgrade(db_url)
        if dataset.ids() is None:
            took, _ = timed(lambda: dataset.build(SCAN_DATE, open_due=SCENARIOS[scenario]))
            print(f"[{label} {scenario}] built the data set in {took:.1f} s", flush=True)
        now = datetime.combine(SCAN_DATE, datetime.min.time(), UTC) + timedelta(hours=1)

        def scan():
            result = scanning.scan(SCAN_DATE)
            db.session.commit()
            return result

        figures: dict[str, list[float]] = {"scan": [], "rescan": [], "send": []}
        for _run in range(runs):
            db.session.execute(text(
                "TRUNCATE reminder_outbox" if db.session.get_bind().dialect.name == "postgresql"
                else "DELETE FROM reminder_outbox"))
            db.session.commit()
            took, first = timed(scan)
            figures["scan"].append(took)
            took, again = timed(scan)
            figures["rescan"].append(took)
            assert again.new == 0 and again.found == first.found, (first, again)
            if scenario == "cycle":
                took, sent = timed(lambda: delivery.send_all(now, commit=db.session.commit))
                figures["send"].append(took)
                assert sent.sent == first.new and not sent.failed, sent
        counts = {"rows": first.found, "emails": 0, "largest": 0}
        if scenario == "cycle":
            per_recipient = list(db.session.scalars(
                select(func.count()).select_from(OutboxMessage)
                .group_by(OutboxMessage.recipient_id)))
            counts.update(emails=len(per_recipient), largest=max(per_recipient))
        db.session.remove()
    app.extensions["engine"].dispose()
    result = {name: statistics.median(times) for name, times in figures.items() if times}
    if "send" in result:
        result["cycle"] = result["scan"] + result["send"]
    return {**result, **counts}


def run(backends: list[str], runs: int = 3,
        pg_base: str = "postgresql+psycopg://postgres@127.0.0.1:5432/",
        fresh: bool = False) -> dict[str, dict[str, dict]]:
    """Figures per backend ("SQLite", "PostgreSQL") and scenario ("cycle", "60k")."""
    port = free_port()
    smtp = subprocess.Popen(
        [sys.executable, "-m", "aiosmtpd", "-n", "-c", "aiosmtpd.handlers.Sink",
         "-l", f"127.0.0.1:{port}"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    results: dict[str, dict[str, dict]] = {}
    try:
        for _ in range(50):  # wait for the server to listen
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        for backend in backends:
            label = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}[backend]
            for scenario in SCENARIOS:
                url = databases.url(backend, f"reminders_{scenario}", pg_base, fresh)
                results.setdefault(label, {})[scenario] = bench(label, url, scenario, runs, port)
                print(f"[{label} {scenario}] {results[label][scenario]}", flush=True)
    finally:
        smtp.terminate()
        smtp.wait()
    return results


def report(results: dict[str, dict[str, dict]], runs: int) -> str:
    lines = [f"Reminders: medians of {runs} runs; scan date {SCAN_DATE}; 100,000 milestones; "
             "sending to aiosmtpd on 127.0.0.1, in this process (as the scheduler does)",
             f"{'backend':<12}{'rows':>8}{'scan':>9}{'re-scan':>9}{'e-mails':>9}{'largest':>9}"
             f"{'send':>9}{'cycle':>9}"]
    for backend, scenarios in results.items():
        for r in scenarios.values():
            sent = (f"{r['emails']:>9,}{r['largest']:>9,}{r['send']:>8.2f}s{r['cycle']:>8.2f}s"
                    if "send" in r else f"{'':>9}{'':>9}{'-':>9}{'-':>9}")
            lines.append(f"{backend:<12}{r['rows']:>8,}{r['scan']:>8.2f}s{r['rescan']:>8.2f}s"
                         + sent)
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--fresh", action="store_true", help="build the data sets again")
    parser.add_argument("--pg-url", default=os.environ.get(
        "BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/"))
    args = parser.parse_args()
    results = run(args.backends.split(","), args.runs, args.pg_url, args.fresh)
    print()
    print(report(results, args.runs))


if __name__ == "__main__":
    main()
