"""Benchmark of the pages at full size, served by gunicorn as in production.

    .venv/bin/python bench/pages.py [--requests 30] [--backends sqlite,postgresql]
        [--pg-url postgresql+psycopg://postgres@127.0.0.1:5432/] [--workers 2] [--fresh]

(`python -m bench` runs this and the reminder benchmark.) For each backend it uses the data set
kept by bench/databases.py (instance/bench/pages.db; database bench_pages on PostgreSQL), or
builds it first: migrated, filled with bench/dataset.py (10,000 projects, 100,000 milestones,
1,000 PMs) and bench/portfolio.py (5,000 contracts, 1,500 companies, 800 agreements, 3,000
needs). It starts `gunicorn app:app` on it and, for each
page below, logs its viewer in and makes `--requests` requests, each on a new connection. It
prints per page the median and 95th percentile of the time the client waited, the median time
gunicorn spent on the request (its access log's %(D)s), and how many SQL statements one
request runs (counted in this process with the Flask test client on the same database).

BENCH_ONLY="dashboard,annual,home" measures only the pages whose label holds one of the words.

Targets on PostgreSQL: every page p95 <= 60 ms; the overdue list median <= 10 ms server time.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import databases  # noqa: E402
import dataset  # noqa: E402
import portfolio  # noqa: E402
from sqlalchemy import event  # noqa: E402

SECRET_KEY = os.urandom(32).hex()
# Requests of each page before those measured, so that both workers serve it as they would all
# day: templates and statements compiled, and on PostgreSQL its statements prepared on the
# worker's connection (from a statement's sixth run there) and planned once for all runs
# (after five plans for their values: `db.finish`). Three, which warmed the Python caches
# only, left half of a page's 30 measured requests planning its statements again. The pages are
# asked in turn, warm-up and measure alike, as a worker serves them all day: no page's
# statements are measured while they alone fill the connection's prepared statements.
WARM_UP = 30


def pages(ids: dict[str, int]) -> list[tuple[str, str, str]]:
    """(label, viewer's e-mail, path) of every page measured."""
    hq, pm = dataset.email("admin", 0), dataset.email("pm", 0)
    director = dataset.email("director", 0)
    filters = {"search": {"q": "Project 12"}, "phase": {"phase": "contract_research"},
               "type": {"type": "pm_major"}, "institute": {"institute": ids["institute"]},
               "pm": {"pm": ids["pm"]}, "PM's name": {"manager": "pm 12"},
               "field": {"field": "Robot"}, "page 10": {"page": 10}}
    listed = []
    for who, viewer in (("HQ", hq), ("PM", pm)):
        listed.append((f"project list as {who}", viewer, "/projects/"))
        listed += [(f"project list as {who}, {name}", viewer, "/projects/?" + urlencode(args))
                   for name, args in filters.items()]
    big = f"/projects/{ids['big_project']}"
    listed += [
        ("project page (100 milestones, 25 members) as HQ", hq, big),
        ("project page (100 milestones, 25 members) as PM", pm, big),
        ("home as HQ admin", hq, "/"), ("home as PM", pm, "/"),
        ("home as director", director, "/"),
        ("home as evaluator", dataset.email("evaluator", 0), "/"),
        ("home as observer", dataset.email("observer", 0), "/"),
        ("home as investment committee", dataset.email("committee", 0), "/"),
        ("overdue list as HQ", hq, "/milestones/overdue"),
        ("overdue list as HQ, > 30 days, by PM", hq, "/milestones/overdue?late=30&sort=pm"),
        ("overdue list as HQ, page 10", hq, "/milestones/overdue?page=10"),
        ("overdue list as director", director, "/milestones/overdue"),
        ("overdue list as PM", pm, "/milestones/overdue"),
        ("dashboard as HQ", hq, "/dashboard"),
        ("dashboard as HQ, type and field", hq, "/dashboard?type=pm_major&field=Robot"),
        ("dashboard as HQ, institute", hq, f"/dashboard?institute={ids['institute']}"),
        ("dashboard as HQ, year", hq, "/dashboard?year=2020"),
        ("dashboard as director", director, "/dashboard"),
        ("dashboard's list: contracts as HQ", hq, "/contracts/"),
        ("dashboard's list: contracts signed this year as HQ", hq,
         f"/contracts/?signed={date.today().year}"),
        ("dashboard's list: allocation-investment as HQ", hq, "/funding/"),
        ("dashboard's list: companies as HQ", hq, "/companies/"),
        ("dashboard's list: needs as HQ", hq, "/needs/"),
        ("dashboard's list: gates awaiting as HQ", hq, "/gates/awaiting"),
        ("annual report as HQ", hq, f"/reports/annual?year={date.today().year}"),
        ("annual report as director", director, f"/reports/annual?year={date.today().year}"),
    ]
    # BENCH_ONLY="dashboard,annual": only the pages whose label holds one of these words.
    only = [word for word in os.environ.get("BENCH_ONLY", "").split(",") if word]
    return [page for page in listed if not only or any(word in page[0] for word in only)]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def request(port: int, path: str, cookie: str, tag: str = "") -> int:
    """One GET on a connection of its own (`tag`: the access log's first field); its status."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", path, headers={"Cookie": cookie, "Accept-Language": "zh-CN",
                                       "X-Bench-Page": tag})
    response = conn.getresponse()
    response.read()
    conn.close()
    return response.status


def session_cookies(app, viewers) -> dict[str, str]:
    """A signed session cookie for each viewer, as the login form would set (the benchmark
    measures pages, not Argon2 or the sign-in rate limit)."""
    from sqlalchemy import select

    from tracker import db
    from tracker.accounts import sessions
    from tracker.accounts.models import User

    serializer = app.session_interface.get_signing_serializer(app)
    name = app.config["SESSION_COOKIE_NAME"]
    users = db.session.scalars(select(User).where(User.email.in_(viewers))).all()
    tokens = {user.email: sessions.start(user) for user in users}
    db.session.commit()
    return {email: f"{name}={serializer.dumps({'_user_id': token, '_fresh': True})}"
            for email, token in tokens.items()}


def serve(db_url: str, port: int, workers: int, access_log: Path) -> subprocess.Popen:
    from tracker.crypto import development_key

    # The key the data set was built with (in development, derived from SECRET_KEY).
    ENCRYPTION_KEY = development_key(SECRET_KEY)  # noqa: N806
    env = {**os.environ, "TRACKER_CONFIG": "production", "SECRET_KEY": SECRET_KEY,
           "DATABASE_URL": db_url, "SESSION_COOKIE_SECURE": "false",
           "BASE_URL": f"http://127.0.0.1:{port}", "RATELIMIT_STORAGE_URI": "memory://",
           "ENCRYPTION_KEYS": ENCRYPTION_KEY}
    # The app's own log (one JSON line per request, and any warning: `stop` prints those).
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-w", str(workers), "-b", f"127.0.0.1:{port}",
         "--access-logfile", str(access_log),
         "--access-logformat", "%({x-bench-page}i)s|%(r)s|%(D)s", "app:app"],
        cwd=ROOT, env=env, stdout=open(access_log.with_name("app.log"), "w"),  # noqa: SIM115
        stderr=open(access_log.with_name("error.log"), "w"))  # noqa: SIM115
    for _ in range(600):  # until a worker answers
        try:
            if request(port, "/healthz", "") == 200:
                break
        except OSError:
            time.sleep(0.1)
    else:
        server.terminate()
        raise SystemExit("gunicorn did not start: "
                         + access_log.with_name("error.log").read_text())
    # Then until each worker has warmed its statements (tracker/web/warm.py, a second or so
    # of CPU in a thread beside the first requests): what is measured is a page's requests,
    # not a worker's start competing with them.
    for _ in range(1200):
        if warmed(access_log) >= workers:
            break
        time.sleep(0.1)
    return server


def warmed(access_log: Path) -> int:
    """How many workers of `serve` ended their warm-up, well or not (`stop` prints a failure)."""
    return sum(json.loads(line).get("logger") == "tracker.web.warm"
               for line in access_log.with_name("app.log").read_text().splitlines()
               if line.startswith("{"))


def stop(server: subprocess.Popen, access_log: Path) -> None:
    """Stop the server of `serve`, then print what the app logged above INFO: a warning of a
    worker's start (its warm-up failing, tracker/web/warm.py) went unseen from its first day,
    and every page's first request in each worker took several times its median: the 95th
    percentile of 30 requests."""
    server.terminate()
    server.wait()
    for line in access_log.with_name("app.log").read_text().splitlines():
        if line.startswith("{") and json.loads(line).get("level") not in ("debug", "info"):
            print(f"server logged: {line[:2000]}", flush=True)


def server_times(access_log: Path, path: str, tag: str | None = None) -> list[float]:
    """Milliseconds gunicorn spent on each GET of `path` (asked with `tag`), from its access
    log."""
    times = []
    for line in access_log.read_text().splitlines():
        head, _, micros = line.rpartition("|")
        asked, _, request_line = head.partition("|")
        if request_line.startswith(f"GET {path} ") and tag in (None, asked):
            times.append(int(micros) / 1000)
    return times


def statement_counts(app, listed, cookies) -> dict[str, int]:
    """Statements one request of each page runs, with the test client on the same database."""
    engine = app.extensions["engine"]
    counts = {}
    for label, viewer, path in listed:
        statements = []

        def count(*args, statements=statements):
            statements.append(1)

        client = app.test_client()
        with client.session_transaction() as session:
            session.update(app.session_interface.get_signing_serializer(app).loads(
                cookies[viewer].split("=", 1)[1]))
        client.get(path)  # the session's first request also records when it was last seen
        event.listen(engine, "before_cursor_execute", count)
        try:
            response = client.get(path)
            assert response.status_code == 200, (path, response.status_code)
        finally:
            event.remove(engine, "before_cursor_execute", count)
        counts[label] = len(statements)
    return counts


def bench(label: str, db_url: str, requests: int, workers: int) -> list[dict]:
    from tracker import create_app, db
    from tracker.migrate import upgrade

    app = create_app("development", DATABASE_URL=db_url, SQL_ECHO=False, SECRET_KEY=SECRET_KEY)
    with app.app_context():
        upgrade(db_url)
        ids = dataset.ids()
        if ids is None:
            start = time.perf_counter()
            ids = dataset.build(date.today())
            print(f"[{label}] built the data set in {time.perf_counter() - start:.1f} s",
                  flush=True)
        start = time.perf_counter()
        if portfolio.build(date.today()):
            print(f"[{label}] added contracts, companies, funding and needs in "
                  f"{time.perf_counter() - start:.1f} s", flush=True)
        listed = pages(ids)
        cookies = session_cookies(app, {viewer for _, viewer, _ in listed})
        db.session.remove()
    # Outside any application context: each request has its own, as under gunicorn, and
    # loads its session and user again (inside one, Flask-Login would keep the user).
    counts = statement_counts(app, listed, cookies)
    app.extensions["engine"].dispose()

    port = free_port()
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        access_log = Path(tmp) / "access.log"
        server = serve(db_url, port, workers, access_log)
        try:
            for _ in range(WARM_UP):
                for _name, viewer, path in listed:
                    request(port, path, cookies[viewer])
            waits = {name: [] for name, _viewer, _path in listed}
            for _ in range(requests):
                for tag, (name, viewer, path) in enumerate(listed):
                    start = time.perf_counter()
                    status = request(port, path, cookies[viewer], str(tag))
                    waits[name].append((time.perf_counter() - start) * 1000)
                    assert status == 200, (path, status)
            time.sleep(0.2)  # the access log is written after the response
            for tag, (name, _viewer, path) in enumerate(listed):
                served = server_times(access_log, path, str(tag))
                assert len(served) == requests, (name, len(served))
                results.append({
                    "page": name, "median": statistics.median(waits[name]),
                    "p95": statistics.quantiles(waits[name], n=20)[-1],
                    "server": statistics.median(served), "statements": counts[name]})
                print(f"[{label}] {name}: {results[-1]['median']:.1f} ms", flush=True)
        finally:
            stop(server, access_log)
    return results


def run(backends: list[str], requests: int = 30, workers: int = 2,
        pg_base: str = "postgresql+psycopg://postgres@127.0.0.1:5432/",
        fresh: bool = False, measure=None) -> dict[str, list[dict]]:
    """The figures of every page (or of what `measure` times on the same data set, as
    bench/api.py's calls), per backend ("SQLite", "PostgreSQL")."""
    results = {}
    for backend in backends:
        label = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}[backend]
        results[label] = (measure or bench)(
            label, databases.url(backend, "pages", pg_base, fresh), requests, workers)
    return results


def report(results: dict[str, list[dict]], requests: int, workers: int) -> str:
    lines = [f"{requests} requests per page, each on a new connection; gunicorn with "
             f"{workers} workers; times in ms"]
    for backend, rows in results.items():
        lines += ["", backend, f"{'page':<56}{'median':>8}{'p95':>8}{'server':>8}{'stmts':>7}"]
        lines += [f"{r['page']:<56}{r['median']:>8.1f}{r['p95']:>8.1f}{r['server']:>8.1f}"
                  f"{r['statements']:>7}" for r in rows]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--fresh", action="store_true", help="build the data set again")
    parser.add_argument("--pg-url", default=os.environ.get(
        "BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/"))
    args = parser.parse_args()
    results = run(args.backends.split(","), args.requests, args.workers, args.pg_url, args.fresh)
    print()
    print(report(results, args.requests, args.workers))


if __name__ == "__main__":
    main()
