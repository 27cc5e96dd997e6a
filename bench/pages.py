"""Benchmark of the pages at full size, served by gunicorn as in production.

    .venv/bin/python bench/pages.py [--requests 30] [--backends sqlite,postgresql]
        [--pg-url postgresql+psycopg://postgres@127.0.0.1:5432/] [--workers 2]

For each backend it makes a database of its own (a SQLite file in a temporary directory; on
PostgreSQL a database it creates and drops), migrates it, fills it with bench/dataset.py
(10,000 projects, 100,000 milestones, 1,000 PMs), starts `gunicorn app:app` on it and, for each
page below, logs its viewer in and makes `--requests` requests, each on a new connection. It
prints per page the median and 95th percentile of the time the client waited, the median time
gunicorn spent on the request (its access log's %(D)s), and how many SQL statements one
request runs (counted in this process with the Flask test client on the same database).

Targets on PostgreSQL: every page p95 <= 60 ms; the overdue list median <= 10 ms server time.
"""

from __future__ import annotations

import argparse
import http.client
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

import dataset  # noqa: E402
from sqlalchemy import event, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

SECRET_KEY = os.urandom(32).hex()


def pages(ids: dict[str, int]) -> list[tuple[str, str, str]]:
    """(label, viewer's e-mail, path) of every page measured."""
    hq, pm = dataset.email("admin", 0), dataset.email("pm", 0)
    director = dataset.email("director", 0)
    filters = {"search": {"q": "Project 12"}, "phase": {"phase": "contract_research"},
               "type": {"type": "pm_major"}, "institute": {"institute": ids["institute"]},
               "pm": {"pm": ids["pm"]}, "field": {"field": "Robot"}}
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
    ]
    return listed


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def request(port: int, path: str, cookie: str) -> int:
    """One GET on a connection of its own; its status."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", path, headers={"Cookie": cookie, "Accept-Language": "zh-CN"})
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
    env = {**os.environ, "TRACKER_CONFIG": "production", "SECRET_KEY": SECRET_KEY,
           "DATABASE_URL": db_url, "SESSION_COOKIE_SECURE": "false",
           "BASE_URL": f"http://127.0.0.1:{port}", "RATELIMIT_STORAGE_URI": "memory://"}
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-w", str(workers), "-b", f"127.0.0.1:{port}",
         "--access-logfile", str(access_log), "--access-logformat", "%(r)s|%(D)s", "app:app"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
        stderr=open(access_log.with_name("error.log"), "w"))  # noqa: SIM115
    for _ in range(600):  # until a worker answers
        try:
            if request(port, "/healthz", "") == 200:
                return server
        except OSError:
            time.sleep(0.1)
    server.terminate()
    raise SystemExit("gunicorn did not start: " + access_log.with_name("error.log").read_text())


def server_times(access_log: Path, path: str) -> list[float]:
    """Milliseconds gunicorn spent on each GET of `path`, from its access log."""
    times = []
    for line in access_log.read_text().splitlines():
        request_line, _, micros = line.rpartition("|")
        if request_line.startswith(f"GET {path} "):
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
        listed = pages(ids)
        cookies = session_cookies(app, {viewer for _, viewer, _ in listed})
        counts = statement_counts(app, listed, cookies)
        db.session.remove()
    app.extensions["engine"].dispose()

    port = free_port()
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        access_log = Path(tmp) / "access.log"
        server = serve(db_url, port, workers, access_log)
        try:
            for name, viewer, path in listed:
                for _ in range(3):  # warm the workers' caches
                    request(port, path, cookies[viewer])
                waits = []
                for _ in range(requests):
                    start = time.perf_counter()
                    status = request(port, path, cookies[viewer])
                    waits.append((time.perf_counter() - start) * 1000)
                    assert status == 200, (path, status)
                time.sleep(0.2)  # the access log is written after the response
                served = server_times(access_log, path)[-requests:]
                results.append({
                    "page": name, "median": statistics.median(waits),
                    "p95": statistics.quantiles(waits, n=20)[-1],
                    "server": statistics.median(served), "statements": counts[name]})
                print(f"[{label}] {name}: {results[-1]['median']:.1f} ms", flush=True)
        finally:
            server.terminate()
            server.wait()
    return results


def with_pg_database(base_url: str, run) -> list[dict]:
    from tracker.db import make_engine

    name = f"bench_pages_{os.getpid()}"
    admin = make_engine(make_url(base_url).set(database="postgres").render_as_string(
        hide_password=False)).execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        return run(make_url(base_url).set(database=name).render_as_string(hide_password=False))
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def keep_pg_database(base_url: str, name: str) -> str:
    """The URL of database `name`, created if it does not exist yet."""
    from tracker.db import make_engine

    admin = make_engine(make_url(base_url).set(database="postgres").render_as_string(
        hide_password=False)).execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        if conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}) is None:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return make_url(base_url).set(database=name).render_as_string(hide_password=False)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--sqlite-file", help="keep the SQLite database in this file and use "
                        "it again next time (the data set is built once)")
    parser.add_argument("--pg-database", help="keep the PostgreSQL data set in this database "
                        "and use it again next time")
    parser.add_argument("--pg-url", default=os.environ.get(
        "BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/"))
    args = parser.parse_args()

    results = {}
    for backend in args.backends.split(","):
        if backend == "sqlite" and args.sqlite_file:
            results["SQLite"] = bench("SQLite", f"sqlite:///{Path(args.sqlite_file).resolve()}",
                                      args.requests, args.workers)
        elif backend == "sqlite":
            with tempfile.TemporaryDirectory() as tmp:
                results["SQLite"] = bench("SQLite", f"sqlite:///{tmp}/bench.db", args.requests,
                                          args.workers)
        elif backend == "postgresql" and args.pg_database:
            results["PostgreSQL"] = bench("PostgreSQL", keep_pg_database(
                args.pg_url, args.pg_database), args.requests, args.workers)
        elif backend == "postgresql":
            results["PostgreSQL"] = with_pg_database(
                args.pg_url, lambda url: bench("PostgreSQL", url, args.requests, args.workers))
        else:
            raise SystemExit(f"unknown backend {backend}")

    print(f"\n{args.requests} requests per page, each on a new connection; gunicorn with "
          f"{args.workers} workers; times in ms")
    for backend, rows in results.items():
        print(f"\n{backend}")
        print(f"{'page':<56}{'median':>8}{'p95':>8}{'server':>8}{'stmts':>7}")
        for r in rows:
            print(f"{r['page']:<56}{r['median']:>8.1f}{r['p95']:>8.1f}{r['server']:>8.1f}"
                  f"{r['statements']:>7}")


if __name__ == "__main__":
    main()
