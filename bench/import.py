"""Benchmark of the import: 10,000 projects and 100,000 milestones from CSV files, through the
same path as `flask import` (each row through its page's form and service, all in one
transaction).

    .venv/bin/python bench/import.py [--projects 10000] [--milestones-per-project 10]
        [--runs 1] [--backends sqlite,postgresql] [--profile PREFIX]
        [--pg-url postgresql+psycopg://postgres@127.0.0.1:5432/]

For each backend and run it makes a database of its own (a SQLite file in a temporary
directory; on PostgreSQL a database it creates and drops), migrates it, writes the reference
data with bulk inserts (HQ, gate templates, 80 institutes, 1,000 project managers: not timed),
writes the two CSV files, then, in a child process of its own (so that its peak memory is the
import's), times `run_import` of the projects file and of the milestones file, each with its
commit, and reads the child's maximum resident set size. Projects: 10 % in proposal review, 70 %
in contract research (an imported gate-1 GO each), 20 % in investment decision (two). Milestones:
planned, in progress, accepted or waived, due within their project's dates; the open ones in
their project's phase.

Targets (issue #13): both files <= 60 s on PostgreSQL, <= 500 MB maximum RSS.
"""

from __future__ import annotations

import argparse
import cProfile
import csv
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import insert, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

INSTITUTES = 80
PMS = 1_000
PASSWORD = "bench-password-2026"
ADMIN = "admin@bench.example"


def _prepare(url: str) -> None:
    """Migrate an empty database and bulk-insert what the files refer to."""
    from tracker import create_app, db
    from tracker.accounts.models import Role, RoleGrant, User
    from tracker.accounts.passwords import hash_password
    from tracker.gates.defaults import install_defaults
    from tracker.migrate import upgrade
    from tracker.organisations.models import Headquarters, Institute, InstituteType

    upgrade(url)
    app = create_app("development", DATABASE_URL=url)
    with app.app_context():
        now = datetime.now(UTC)
        hashed = hash_password(PASSWORD)
        session = db.session
        hq = Headquarters(code="BENCH", name="Bench HQ")
        session.add(hq)
        session.flush()
        session.execute(insert(Institute), [
            {"hq_id": hq.id, "code": f"INST-{i:02d}", "name": f"Institute {i}",
             "field": "Materials", "type": InstituteType.INDEPENDENT, "version": 1}
            for i in range(INSTITUTES)])
        institute_ids = [i for (i,) in session.execute(text(
            "SELECT id FROM institutes ORDER BY code"))]
        session.execute(insert(User), [
            {"email": f"pm{n}@bench.example", "name": f"PM {n}", "password_hash": hashed,
             "active": True, "must_change_password": False, "failed_logins": 0,
             "institute_id": institute_ids[n % INSTITUTES], "created_at": now}
            for n in range(PMS)] + [
            {"email": ADMIN, "name": "Bench admin", "password_hash": hashed, "active": True,
             "must_change_password": False, "failed_logins": 0, "created_at": now}])
        users = dict(session.execute(text("SELECT email, id FROM users")).all())
        session.execute(insert(RoleGrant), [
            {"user_id": users[f"pm{n}@bench.example"], "role": Role.PROJECT_MANAGER}
            for n in range(PMS)] + [{"user_id": users[ADMIN], "role": Role.HQ_ADMIN}])
        install_defaults()
        session.commit()


PHASES = ["proposal_review"] + ["contract_research"] * 7 + ["investment_decision"] * 2
GATES_PASSED = {"proposal_review": 0, "contract_research": 1, "investment_decision": 2}
STATES = ["accepted", "accepted", "accepted", "in_progress", "planned", "planned", "waived"]


def write_files(folder: Path, projects: int, per_project: int) -> tuple[Path, Path]:
    project_file, milestone_file = folder / "projects.csv", folder / "milestones.csv"
    with project_file.open("w", newline="", encoding="utf-8") as p, \
            milestone_file.open("w", newline="", encoding="utf-8") as m:
        pw, mw = csv.writer(p), csv.writer(m)
        pw.writerow(["code", "title", "field", "type", "institute_id", "pm_id", "trl_now",
                     "trl_target", "budget_total", "budget_lines", "start_date", "end_date",
                     "phase", "gates_passed_on"])
        mw.writerow(["project_id", "title", "phase", "due_date", "state", "percent_complete",
                     "waiver_reason"])
        # Ten years of starts ending two years ago: the second gate (700 days after the start)
        # is past on any day the benchmark runs, as a decision must be.
        first_year = date.today().year - 12
        for n in range(projects):
            year = first_year + n % 10
            code = f"BENCH-{year}-{n // 10 + 1:04d}"
            pm = n % PMS
            start = date(year, 1 + n % 12, 1)
            end = start + timedelta(days=3 * 365)
            phase = PHASES[n % len(PHASES)]
            # The days of the gates its route passes (a date for another gate is refused).
            passed = [f"1: {(start + timedelta(days=90)).isoformat()}",
                      f"2: {(start + timedelta(days=700)).isoformat()}"][:GATES_PASSED[phase]]
            pw.writerow([code, f"Project {n}", "Materials", "contract_research",
                         f"INST-{pm % INSTITUTES:02d}", f"pm{pm}@bench.example", 4, 7,
                         "3000000", "设备费: 1000000; 业务费: 1500000; 劳务费: 500000",
                         start.isoformat(), end.isoformat(), phase, "; ".join(passed)])
            for k in range(per_project):
                state = STATES[(n + k) % len(STATES)]
                # Open milestones belong to the project's phase or a later one (the form
                # offers no other); accepted and waived ones may be of a phase left since.
                open_ = state in ("planned", "in_progress")
                milestone_phase = phase if open_ and phase != "proposal_review" else (
                    "contract_research")
                mw.writerow([code, f"Milestone {k + 1}", milestone_phase,
                             (start + timedelta(days=100 + k * 90)).isoformat(), state,
                             "50" if state == "in_progress" else "",
                             "Covered elsewhere" if state == "waived" else ""])
    return project_file, milestone_file


def child(url: str, folder: str, profile: str = "") -> None:
    """Runs in its own process: the two imports, timed; prints JSON. With `profile`, each
    import runs under cProfile and its statistics go to PROFILE.projects and
    PROFILE.milestones (read them with `python -m pstats`)."""
    from tracker import create_app, db

    app = create_app("development", DATABASE_URL=url)
    # After create_app, which imports every model first: a module that builds loader options
    # when imported (obligations.queries) configures the mappers then, and fails when a model
    # they name is not imported yet.
    from tracker.accounts.services import find_by_email
    from tracker.imports import services

    timings = {}
    with app.app_context():
        admin = find_by_email(ADMIN)
        for kind in ("projects", "milestones"):
            start, cpu = time.perf_counter(), time.process_time()
            profiler = cProfile.Profile() if profile else None
            if profiler:
                profiler.enable()
            with open(Path(folder) / f"{kind}.csv", "rb") as stream:
                run = services.run_import(admin, kind, f"{kind}.csv", stream)
            db.session.commit()
            if profiler:
                profiler.disable()
                profiler.dump_stats(f"{profile}.{kind}")
            timings[kind] = time.perf_counter() - start
            # The importing process's own CPU time: what the load of others does not inflate
            # (the database server's work is not in it).
            timings[f"{kind}_cpu"] = time.process_time() - cpu
            timings[f"{kind}_state"] = run.state.value
            timings[f"{kind}_created"] = run.created
            timings[f"{kind}_errors"] = run.errors[:3]
    timings["max_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(timings))


def one_run(url: str, projects: int, per_project: int, profile: str = "") -> dict:
    _prepare(url)
    with tempfile.TemporaryDirectory() as folder:
        write_files(Path(folder), projects, per_project)
        out = subprocess.run([sys.executable, __file__, "--child", url, folder, profile],
                             capture_output=True, text=True)
        if out.returncode != 0:
            raise SystemExit(f"the import failed:\n{out.stderr[-3000:]}")
    result = json.loads(out.stdout.strip().splitlines()[-1])
    for kind in ("projects", "milestones"):
        if result[f"{kind}_state"] != "done":
            raise SystemExit(f"the {kind} import was refused: {result[f'{kind}_errors']}")
    return result


def pg_database(base_url: str):
    from tracker.db import make_engine

    name = f"bench_import_{os.getpid()}"
    admin = make_engine(make_url(base_url).set(database="postgres").render_as_string(
        hide_password=False)).execution_options(isolation_level="AUTOCOMMIT")

    def reset() -> str:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        return make_url(base_url).set(database=name).render_as_string(hide_password=False)

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return reset, drop


def main() -> None:
    if len(sys.argv) == 5 and sys.argv[1] == "--child":
        child(sys.argv[2], sys.argv[3], sys.argv[4])
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, default=10_000)
    parser.add_argument("--milestones-per-project", type=int, default=10)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--profile", default="", metavar="PREFIX",
                        help="profile each import with cProfile into PREFIX.projects and "
                             "PREFIX.milestones")
    parser.add_argument("--pg-url", default=os.environ.get(
        "BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/"))
    args = parser.parse_args()
    results: dict[str, list[dict]] = {}
    for backend in args.backends.split(","):
        for _ in range(args.runs):
            if backend == "sqlite":
                with tempfile.TemporaryDirectory() as tmp:
                    result = one_run(f"sqlite:///{tmp}/bench.db", args.projects,
                                     args.milestones_per_project, args.profile)
            elif backend == "postgresql":
                reset, drop = pg_database(args.pg_url)
                try:
                    result = one_run(reset(), args.projects, args.milestones_per_project,
                                     args.profile)
                finally:
                    drop()
            else:
                raise SystemExit(f"unknown backend {backend}")
            print(backend, json.dumps(result), flush=True)
            results.setdefault(backend, []).append(result)
    print()
    print(f"medians over {args.runs} run(s): {args.projects:,} projects, "
          f"{args.projects * args.milestones_per_project:,} milestones")
    print(f"{'backend':<12}{'projects':>10}{'milestones':>12}{'total':>10}{'CPU':>10}"
          f"{'max RSS':>10}")
    for name, runs in results.items():
        p = statistics.median(r["projects"] for r in runs)
        m = statistics.median(r["milestones"] for r in runs)
        cpu = statistics.median(r["projects_cpu"] + r["milestones_cpu"] for r in runs)
        rss = statistics.median(r["max_rss_mb"] for r in runs)
        print(f"{name:<12}{p:>9.1f}s{m:>11.1f}s{p + m:>9.1f}s{cpu:>9.1f}s{rss:>7.0f} MB")


if __name__ == "__main__":
    main()
