"""Benchmark of the exports at full size: the project list of 10,000 projects as XLSX and CSV,
served by gunicorn as in production.

    .venv/bin/python bench/export.py [--requests 10] [--backends postgresql,sqlite]

It uses the data set of bench/dataset.py in the database bench/pages.py builds and keeps
(bench/databases.py; `--fresh` builds it again),
serves it with `gunicorn app:app` and, for each export below, downloads it `--requests` times as
the HQ admin, each on a new connection, reading the whole body. It prints the median and 95th
percentile of the time the client waited for the whole file, the rows and bytes of one file,
and the SQL statements one export runs.

Target on PostgreSQL: an XLSX export of 10,000 rows <= 3 s.
"""

from __future__ import annotations

import argparse
import http.client
import os
import statistics
import sys
import tempfile
import time
from datetime import date
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import databases  # noqa: E402
import dataset  # noqa: E402
import pages  # noqa: E402
from openpyxl import load_workbook  # noqa: E402

EXPORTS = [
    ("projects, XLSX", "/projects/?export=xlsx"),
    ("projects, CSV", "/projects/?export=csv"),
    ("overdue milestones, XLSX", "/milestones/overdue?export=xlsx"),
]


def download(port: int, path: str, cookie: str) -> bytes:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    conn.request("GET", path, headers={"Cookie": cookie, "Accept-Language": "zh-CN"})
    response = conn.getresponse()
    body = response.read()
    conn.close()
    assert response.status == 200, (path, response.status)
    return body


def rows_in(body: bytes, path: str) -> int:
    if path.endswith("csv"):
        return body.count(b"\n") - 1
    sheet = load_workbook(BytesIO(body), read_only=True).active
    return sum(1 for _ in sheet.iter_rows(values_only=True)) - 1


def enrolled(email: str) -> None:
    """The viewer as if they had changed their first password (bench/dataset.py enrolled every
    account in the second step already). An UPDATE: loading the user would decrypt its TOTP
    secret, encrypted with the key of the run that built the data set."""
    from sqlalchemy import update

    from tracker import db
    from tracker.accounts.models import User

    db.session.execute(update(User).where(User.email == email)
                       .values(must_change_password=False))
    db.session.commit()


def bench(label: str, db_url: str, requests: int, workers: int) -> list[dict]:
    from tracker import create_app, db
    from tracker.migrate import upgrade

    app = create_app("development", DATABASE_URL=db_url, SQL_ECHO=False,
                     SECRET_KEY=pages.SECRET_KEY)
    hq = dataset.email("admin", 0)
    listed = [(name, hq, path) for name, path in EXPORTS]
    with app.app_context():
        upgrade(db_url)
        if dataset.ids() is None:
            start = time.perf_counter()
            dataset.build(date.today())
            print(f"[{label}] built the data set in {time.perf_counter() - start:.1f} s",
                  flush=True)
        enrolled(hq)
        cookies = pages.session_cookies(app, {hq})
        db.session.remove()
    # Outside any application context, as bench/pages.py counts: each request loads its
    # session and user again, as under gunicorn.
    counts = pages.statement_counts(app, listed, cookies)
    app.extensions["engine"].dispose()

    port = pages.free_port()
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        access_log = Path(tmp) / "access.log"
        server = pages.serve(db_url, port, workers, access_log)
        try:
            for name, viewer, path in listed:
                body = download(port, path, cookies[viewer])  # warm the workers
                waits = []
                for _ in range(requests):
                    start = time.perf_counter()
                    download(port, path, cookies[viewer])
                    waits.append((time.perf_counter() - start) * 1000)
                results.append({
                    "export": name, "median": statistics.median(waits),
                    "p95": statistics.quantiles(waits, n=20)[-1] if requests > 1 else waits[0],
                    "rows": rows_in(body, path), "bytes": len(body),
                    "statements": counts[name]})
                print(f"[{label}] {name}: {results[-1]['median']:.0f} ms", flush=True)
        finally:
            pages.stop(server, access_log)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=10)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--backends", default="postgresql,sqlite")
    parser.add_argument("--fresh", action="store_true",
                        help="build the data set again (it is kept, and shared with pages.py)")
    parser.add_argument("--pg-url", default=os.environ.get(
        "BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/"))
    args = parser.parse_args()

    results = {}
    for backend in args.backends.split(","):
        label = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}[backend]
        results[label] = bench(label, databases.url(backend, "pages", args.pg_url, args.fresh),
                               args.requests, args.workers)

    print(f"\n{args.requests} downloads per export, each on a new connection; gunicorn with "
          f"{args.workers} workers; times in ms for the whole file")
    for backend, rows in results.items():
        print(f"\n{backend}")
        print(f"{'export':<32}{'median':>8}{'p95':>8}{'rows':>8}{'bytes':>10}{'stmts':>7}")
        for r in rows:
            print(f"{r['export']:<32}{r['median']:>8.0f}{r['p95']:>8.0f}{r['rows']:>8}"
                  f"{r['bytes']:>10}{r['statements']:>7}")


if __name__ == "__main__":
    main()
