"""Benchmark of the JSON API at full size: the overdue-milestones list, 100 rows a page, read
with a personal access token from gunicorn as in production.

    .venv/bin/python bench/api.py [--requests 50] [--backends postgresql,sqlite]

It uses the data set bench/pages.py keeps (bench/databases.py: 10,000 projects, 100,000
milestones), makes a read token for its HQ admin and its first PM, serves it with
`gunicorn app:app` and makes `--requests` requests of each call below, each on a new
connection. It prints the median and 95th percentile of the time the client waited, and the
median time gunicorn spent (its access log's %(D)s).

Target on PostgreSQL: the overdue list, 100 rows, median <= 40 ms.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import dataset  # noqa: E402
import pages  # noqa: E402

OVERDUE = "/api/v1/milestones/overdue?limit=100"


def get(port: int, path: str, secret: str) -> dict:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", path, headers={"Authorization": f"Bearer {secret}",
                                       "Accept-Language": "zh-CN"})
    response = conn.getresponse()
    body = response.read()
    conn.close()
    assert response.status == 200, (path, response.status, body[:300])
    return json.loads(body)


def tokens(app) -> dict[str, str]:
    """A read token of the HQ admin and of the first PM (made through the service)."""
    from sqlalchemy import select

    from tracker import db
    from tracker.accounts.models import User
    from tracker.apitokens import services
    from tracker.apitokens.models import TokenScope

    made = {}
    for who in ("admin", "pm"):
        user = db.session.scalar(select(User).where(User.email == dataset.email(who, 0)))
        made[who] = services.create_token(user, "bench", TokenScope.READ, 7)[1]
    db.session.commit()
    return made


def bench(label: str, db_url: str, requests: int, workers: int) -> list[dict]:
    from tracker import create_app, db
    from tracker.migrate import upgrade

    app = create_app("development", DATABASE_URL=db_url, SQL_ECHO=False,
                     SECRET_KEY=pages.SECRET_KEY)
    with app.app_context():
        upgrade(db_url)
        if dataset.ids() is None:
            dataset.build(date.today())
        secrets = tokens(app)
        db.session.remove()
    app.extensions["engine"].dispose()
    port = pages.free_port()
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        access_log = Path(tmp) / "access.log"
        server = pages.serve(db_url, port, workers, access_log)
        try:
            first = get(port, OVERDUE, secrets["admin"])
            cursor = first["next_cursor"]
            calls = [("overdue, 100 rows, as HQ", "admin", OVERDUE),
                     ("overdue, 100 rows, as HQ, next page", "admin",
                      f"{OVERDUE}&cursor={cursor}"),
                     ("overdue, 100 rows, as HQ, > 30 days, by PM", "admin",
                      f"{OVERDUE}&late=30&sort=pm"),
                     ("overdue, 100 rows, as PM", "pm", OVERDUE)]
            for name, who, path in calls:
                rows = len(get(port, path, secrets[who])["items"])
                for _ in range(3):
                    get(port, path, secrets[who])
                waits = []
                for _ in range(requests):
                    start = time.perf_counter()
                    get(port, path, secrets[who])
                    waits.append((time.perf_counter() - start) * 1000)
                time.sleep(0.2)
                served = pages.server_times(access_log, path)[-requests:]
                results.append({"call": name, "rows": rows, "median": statistics.median(waits),
                                "p95": statistics.quantiles(waits, n=20)[-1],
                                "server": statistics.median(served)})
                print(f"[{label}] {name}: {results[-1]['median']:.1f} ms", flush=True)
        finally:
            pages.stop(server, access_log)
    return results


def run(backends: list[str], requests: int = 50, workers: int = 2,
        pg_base: str = "postgresql+psycopg://postgres@127.0.0.1:5432/",
        fresh: bool = False) -> dict[str, list[dict]]:
    return pages.run(backends, requests, workers, pg_base, fresh, measure=bench)


def report(results: dict[str, list[dict]], requests: int, workers: int) -> str:
    lines = [f"JSON API: {requests} requests per call, each on a new connection; gunicorn with "
             f"{workers} workers; times in ms (target on PostgreSQL: overdue median <= 40)"]
    for backend, rows in results.items():
        lines += ["", backend, f"{'call':<48}{'rows':>6}{'median':>8}{'p95':>8}{'server':>8}"]
        lines += [f"{r['call']:<48}{r['rows']:>6}{r['median']:>8.1f}{r['p95']:>8.1f}"
                  f"{r['server']:>8.1f}" for r in rows]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--backends", default="postgresql,sqlite")
    parser.add_argument("--fresh", action="store_true", help="build the data set again")
    parser.add_argument("--pg-url", default=os.environ.get(
        "BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/"))
    args = parser.parse_args()
    results = run(args.backends.split(","), args.requests, args.workers, args.pg_url, args.fresh)
    print()
    print(report(results, args.requests, args.workers))


if __name__ == "__main__":
    main()
