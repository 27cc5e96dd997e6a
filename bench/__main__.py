"""The one benchmark command: every page and the reminders, at full size, on SQLite and
PostgreSQL.

    .venv/bin/python -m bench [--backends postgresql,sqlite] [--requests 30] [--runs 3]
        [--pg-url postgresql+psycopg://postgres@127.0.0.1:5432/] [--fresh]
    make bench            # the same with the defaults

The data sets are built on first use (about a minute each, bulk inserts) and kept for the next
run (bench/databases.py: instance/bench/*.db, and databases bench_* on the PostgreSQL server);
`--fresh` builds them again. The pages: bench/pages.py (gunicorn, `--requests` requests per page
each on a new connection, median and 95th percentile, gunicorn's own time, statements per
page). The JSON API: bench/api.py (the overdue list, 100 rows, with a token). The reminders:
bench/reminders.py (a 60,000-row scan and re-scan; the full cycle of
about 6,000 reminders to about 1,080 people, scan then send, to a local SMTP server).

Targets on PostgreSQL: every page p95 <= 60 ms; overdue list median <= 10 ms server time;
the API's overdue list (100 rows) median <= 40 ms;
60,000-row scan <= 1 s, re-scan <= 0.3 s; full cycle <= 4 s.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import api  # noqa: E402
import pages  # noqa: E402
import reminders  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--backends", default="postgresql,sqlite",
                        help="comma-separated, in this order (default: PostgreSQL first)")
    parser.add_argument("--requests", type=int, default=30, help="requests per page")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--runs", type=int, default=3, help="runs of each reminder figure")
    parser.add_argument("--only", choices=("pages", "api", "reminders"), help="one part only")
    parser.add_argument("--fresh", action="store_true", help="build the data sets again")
    parser.add_argument("--pg-url", default=os.environ.get(
        "BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/"))
    args = parser.parse_args()
    backends = args.backends.split(",")
    out = []
    for backend in backends:  # one backend at a time: its pages, then its reminders
        if args.only in (None, "pages"):
            found = pages.run([backend], args.requests, args.workers, args.pg_url, args.fresh)
            out.append(pages.report(found, args.requests, args.workers))
        if args.only in (None, "api"):
            found = api.run([backend], args.requests, args.workers, args.pg_url, args.fresh)
            out.append(api.report(found, args.requests, args.workers))
        if args.only in (None, "reminders"):
            found = reminders.run([backend], args.runs, args.pg_url, args.fresh)
            out.append(reminders.report(found, args.runs))
        print("\n\n".join(out[-3:]), flush=True)
    print("\n" + "=" * 88 + "\n" + "\n\n".join(out))


if __name__ == "__main__":
    main()
