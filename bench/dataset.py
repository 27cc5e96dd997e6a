"""The large data set of the benchmarks, at the sizes of domain.md, written with bulk inserts
(a few seconds, not the hours the services would take): 80 institutes with their directors,
1,000 project managers, 50 evaluators, 10,000 projects (1,000 under way), 100,000 milestones.

One project under way, `BIG_PROJECT_CODE`, has 100 milestones and a team of 25: the project page
benchmark opens it. Every account's password is `PASSWORD`.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import insert, select, update

INSTITUTES = 80
PMS = 1_000
EVALUATORS = 50
PROJECTS = 10_000
ACTIVE = 1_000
MILESTONES = 100_000
DUE = 2_000  # open, due between 60 days before and 14 days after the anchor date
BIG_MILESTONES = 100
BIG_TEAM = 25
PASSWORD = "bench-password-2026"
BIG_PROJECT_CODE = "BENCH-2026-00001"
TOTP_SECRET = "BENCHTRACKERTWOSTEPSIGNINKEY2026"


def email(prefix: str, n: int) -> str:
    return f"{prefix}{n}@bench.example"


def ids() -> dict[str, int] | None:
    """The ids `build` returned, when the database already holds the data set; else None."""
    from tracker import db
    from tracker.accounts.models import User
    from tracker.projects.models import Project

    big = db.session.scalar(select(Project.id).where(Project.code == BIG_PROJECT_CODE))
    if big is None:
        return None
    pm = db.session.scalar(select(User.id).where(User.email == email("pm", 0)))
    institute = db.session.scalar(select(Project.institute_id).where(Project.id == big))
    return {"big_project": big, "pm": pm, "institute": institute}


def build(anchor: date, open_due: int = DUE) -> dict[str, int]:
    """Fill an empty, migrated database; returns the ids the benchmarks need. `open_due`
    milestones
    are open and due between 60 days before and 14 days after `anchor`."""
    from tracker import db
    from tracker.accounts.models import Role, RoleGrant, User
    from tracker.accounts.passwords import hash_password
    from tracker.milestones.models import Milestone, MilestoneState
    from tracker.organisations.models import Headquarters, Institute, InstituteType
    from tracker.projects.lifecycle import Phase
    from tracker.projects.models import Project, ProjectMember, ProjectType

    session = db.session
    now = datetime.now(UTC)
    password_hash = hash_password(PASSWORD)  # once: Argon2 is slow on purpose

    def users(prefix: str, n: int) -> list[dict]:
        return [{"email": email(prefix, i), "name": f"{prefix} {i}",
                 "password_hash": password_hash, "locale": "zh_CN" if i % 2 else "en",
                 "active": True, "failed_logins": 0, "created_at": now,
                 # Enrolled in the second step HQ admins and the committee must take.
                 "totp_secret": TOTP_SECRET, "mfa_enabled_at": now} for i in range(n)]

    session.execute(insert(User), users("admin", 3) + users("director", INSTITUTES)
                    + users("pm", PMS) + users("evaluator", EVALUATORS) + users("observer", 1)
                    + users("committee", 1))
    ids = dict(session.execute(select(User.email, User.id)).tuples().all())

    def people(prefix: str, n: int) -> list[int]:
        return [ids[email(prefix, i)] for i in range(n)]

    admins, directors, pms = people("admin", 3), people("director", INSTITUTES), people("pm", PMS)
    evaluators = people("evaluator", EVALUATORS)
    session.execute(insert(RoleGrant), [{"user_id": u, "role": Role.HQ_ADMIN} for u in admins]
                    + [{"user_id": u, "role": Role.PROJECT_MANAGER} for u in pms]
                    + [{"user_id": u, "role": Role.EVALUATOR} for u in evaluators]
                    + [{"user_id": ids[email("observer", 0)], "role": Role.OBSERVER},
                       {"user_id": ids[email("committee", 0)],
                        "role": Role.INVESTMENT_COMMITTEE}])

    session.execute(insert(Headquarters), [{"code": "BENCH", "name": "Bench HQ"}])
    hq_id = session.scalar(select(Headquarters.id))
    session.execute(insert(Institute), [
        {"hq_id": hq_id, "code": f"I{i:03d}", "name": f"Institute {i}", "field": "Materials",
         "type": InstituteType.INDEPENDENT, "director_id": directors[i]}
        for i in range(INSTITUTES)])
    institutes = list(session.scalars(select(Institute.id).order_by(Institute.id)))
    session.execute(update(User).where(User.id.in_(pms)).values(institute_id=institutes[0]))

    fields = ("Materials", "Robotics", "Biomedicine", "Microelectronics", "Energy")
    projects = []
    for n in range(PROJECTS):
        active = n < ACTIVE
        year = 2026 if active else 2016 + n % 10
        projects.append({
            "hq_id": hq_id, "year": year, "seq": n + 1, "code": f"BENCH-{year}-{n + 1:05d}",
            "title": f"Project {n}", "summary": "", "field": fields[n % len(fields)],
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
    big = active_ids[0]

    rows = []
    for n in range(MILESTONES):
        if n < open_due:  # spread over the active projects, so over every PM
            project, state = active_ids[n % ACTIVE], MilestoneState.IN_PROGRESS
            due = anchor + timedelta(days=14 - (n * 37) % 75)
        elif n < open_due + 8_000:  # planned, well ahead; the big project gets a hundred
            project = big if n < open_due + BIG_MILESTONES else active_ids[n % ACTIVE]
            state, due = MilestoneState.PLANNED, anchor + timedelta(days=30 + n % 700)
        else:  # the past: accepted, in closed projects
            project, state = closed_ids[n % len(closed_ids)], MilestoneState.ACCEPTED
            due = date(2016, 1, 1) + timedelta(days=n % 3600)
        rows.append({"project_id": project, "phase": Phase.CONTRACT_RESEARCH,
                     "title": f"Milestone {n}", "deliverable": "", "due_date": due,
                     "weight": Decimal("1"), "state": state, "percent_complete": 0,
                     "waiver_reason": "", "created_at": now, "version": 1})
    for start in range(0, len(rows), 10_000):
        session.execute(insert(Milestone), rows[start:start + 10_000])
    session.execute(insert(ProjectMember), [
        {"project_id": big, "user_id": u, "role": "Engineer"}
        for u in pms[1:BIG_TEAM + 1]])
    session.commit()
    settle(session.get_bind())
    return {"big_project": big, "pm": pms[0], "institute": institutes[0]}


def settle(engine) -> None:
    """Plans on statistics, not guesses, as a database in use has them: what autovacuum does
    some time after bulk inserts on PostgreSQL (VACUUM too: the visibility map that lets an
    index-only scan skip the table, and hint bits set once rather than by the first reads of
    a timed run), and what a SQLite database needs once after a bulk load (without
    statistics SQLite reads "reviewer_id IS NULL" through the reviewer index: every
    milestone)."""
    sql = "VACUUM ANALYZE" if engine.dialect.name == "postgresql" else "ANALYZE"
    with engine.connect() as connection:
        connection.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql(sql)
