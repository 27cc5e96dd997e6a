"""The plan of every statement the benchmarked pages and a reminder scan run, at full size on
PostgreSQL: each sequential scan of a large table named, with the page that ran it.

    .venv/bin/python bench/explain.py [--pg-url postgresql+psycopg://postgres@127.0.0.1:5432/]
        [--fresh] [--all]

It uses (or builds) the data set of bench/pages.py (database bench_pages, or
<BENCH_DB_PREFIX>_pages), asks each page of `pages.pages` once with the Flask test client and
runs the reminder rules' scan in a transaction rolled back after, recording every statement
with its parameters; then EXPLAINs each (as sent, with its values) and prints the sequential
scans of the tables that grow with the data (`LARGE`, those of at least `MIN_ROWS` rows in
the data set). `--all` prints every plan.
"""

from __future__ import annotations

import argparse
import os
import sys
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import databases  # noqa: E402
import dataset  # noqa: E402
import pages  # noqa: E402
import portfolio  # noqa: E402
from sqlalchemy import event  # noqa: E402

# Tables whose rows grow with the projects: a sequential scan of one is a missing index, unless
# the statement reads the whole table (the dashboard's and annual report's sums) or the data set
# holds too few of its rows for an index to win (`MIN_ROWS`).
LARGE = ("projects", "milestones", "project_members", "research_contracts", "instalments",
         "payments", "reminder_outbox", "audit_records", "progress_updates", "gate_reviews",
         "gate_decisions", "conditions", "users", "role_grants", "companies", "share_entries",
         "shareholders", "technology_needs", "need_candidates", "budget_lines",
         "spending_entries", "funding_agreements", "approval_requests", "change_requests")
MIN_ROWS = 1000


def record(app, listed, cookies) -> list[tuple[str, str, object]]:
    """(page, statement, parameters) of one request of each page, then of a reminder scan."""
    from tracker import db
    from tracker.reminders import scan

    engine = app.extensions["engine"]
    seen: list[tuple[str, str, object]] = []
    current = [""]

    def note(conn, cursor, statement, parameters, context, executemany):
        if not executemany:
            seen.append((current[0], statement, parameters))

    for label, viewer, path in listed:
        client = app.test_client()
        with client.session_transaction() as session:
            session.update(app.session_interface.get_signing_serializer(app).loads(
                cookies[viewer].split("=", 1)[1]))
        client.get(path)
        current[0] = label
        event.listen(engine, "before_cursor_execute", note)
        try:
            assert client.get(path).status_code == 200, path
        finally:
            event.remove(engine, "before_cursor_execute", note)
    with app.app_context():
        current[0] = "reminder scan"
        event.listen(engine, "before_cursor_execute", note)
        try:
            scan.scan(date.today())
        finally:
            event.remove(engine, "before_cursor_execute", note)
            db.session.rollback()
    return seen


def explain(engine, seen, show_all: bool) -> int:
    """Print the large tables' sequential scans (every plan with `show_all`); their number."""
    found = 0
    done: set[str] = set()
    with engine.connect() as conn:
        rows = dict(conn.exec_driver_sql(
            "SELECT relname, reltuples FROM pg_class WHERE relkind = 'r'").all())
        large = {table for table in LARGE if rows.get(table, 0) >= MIN_ROWS}
        for label, statement, parameters in seen:
            head = statement.lstrip()[:6].upper()
            if not head.startswith(("SELECT", "WITH")) or statement in done:
                continue
            done.add(statement)
            plan = [row[0] for row in conn.exec_driver_sql(
                "EXPLAIN " + statement, parameters)]
            scans = [line.strip() for line in plan if "Seq Scan on" in line
                     and line.split("Seq Scan on ")[1].split()[0] in large]
            if scans or show_all:
                found += bool(scans)
                print(f"--- {label}\n{' '.join(statement.split())[:600]}")
                print("\n".join(plan if show_all else scans), flush=True)
            conn.rollback()
    return found


def main() -> None:
    from tracker import create_app, db
    from tracker.migrate import upgrade

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pg-url", default=os.environ.get(
        "BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/"))
    parser.add_argument("--fresh", action="store_true", help="build the data set again")
    parser.add_argument("--all", action="store_true", help="print every plan")
    args = parser.parse_args()
    url = databases.url("postgresql", "pages", args.pg_url, args.fresh)
    app = create_app("development", DATABASE_URL=url, SQL_ECHO=False,
                     SECRET_KEY=pages.SECRET_KEY)
    with app.app_context():
        upgrade(url)
        ids = dataset.ids() or dataset.build(date.today())
        portfolio.build(date.today())
        listed = pages.pages(ids)
        cookies = pages.session_cookies(app, {viewer for _, viewer, _ in listed})
        db.session.remove()
    with app.extensions["engine"].connect() as conn:
        conn.exec_driver_sql("ANALYZE")
        conn.commit()
    seen = record(app, listed, cookies)
    found = explain(app.extensions["engine"], seen, args.all)
    print(f"{len(seen)} statements, {found} with a sequential scan of a large table")


if __name__ == "__main__":
    main()
