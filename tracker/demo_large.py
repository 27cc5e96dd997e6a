"""`flask demo seed --scale large`: a network at the sizes of domain.md, built through the
import, kind after kind, from the tables of `tracker.demo_tables` and `tracker.demo_ventures`:
the same checks, the same bulk path, the same audit trail as an HQ bringing in its history.
Each kind through `tracker.imports.services.run_import`, but the companies with their
incentive grants through `tracker.imports.replay.run_import` (`flask import companies FILE
--grants FILE`), which records each company's ledger in date order across both files. Then a
reminder scan of today, as the scheduler's would be: the outbox holds what is due.

Deterministic: the same tables every time (one seeded random generator, fixed dates in the
past), so a second run finds every record by its natural key and changes nothing (and a
second scan on the same day finds every reminder in the outbox already).

Sizes: 80 institutes with their directors, about 1,000 users, 600 enterprises, 113 joint
innovation centres, 589 needs, 10,000 projects over ten years (1,000 under way; the others
completed, terminated or rejected), 100,000 milestones, 5,000 research contracts with their
instalments and payments (on the projects under way: a closed project takes no new contract),
the allocation-investment agreements of the projects under way with their tranches and
disbursements, 1,500 companies with their cap tables, 0 to 3 rounds each and some incentive
grants.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass

from tracker import db
from tracker import demo_ventures as ventures
from tracker.accounts.models import User
from tracker.dates import today
from tracker.demo_tables import LARGE, Sizes, Tables
from tracker.imports import replay, services
from tracker.imports.models import ImportRun, ImportState
from tracker.reminders import scan

Progress = Callable[[str, int, int | None], None]


def _csv(rows) -> io.BytesIO:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return io.BytesIO(out.getvalue().encode("utf-8"))


# One step: its name (the kind, or the kind and what the second pass adds), the rows.
STEPS: list[tuple[str, str, Callable[[Tables], object]]] = [
    ("enterprises", "enterprises", Tables.enterprises),
    ("institutes", "institutes", lambda t: t.institutes(directors=False)),
    ("users", "users", Tables.users),
    ("institutes", "institute directors", lambda t: t.institutes(directors=True)),
    ("centres", "centres", Tables.centres),
    ("needs", "needs", Tables.needs),
    ("projects", "projects", Tables.projects),
    ("milestones", "milestones", Tables.milestones),
    ("contracts", "contracts", Tables.contracts),
    ("funding", "funding", ventures.funding),
]


class SeedFailed(RuntimeError):
    def __init__(self, run: ImportRun) -> None:
        super().__init__(f"{run.kind}: {run.state.value}, first errors {run.errors[:5]}")
        self.run = run


@dataclass
class Seeded:
    runs: dict[str, ImportRun]  # each step's run, by its name
    reminders: scan.ScanResult  # the scan at the end


def seed_large(actor: User, hq_code: str, *, sizes: Sizes = LARGE,
               progress: Progress | None = None,
               commit: Callable[[], None] | None = None) -> Seeded:
    """Import every table in order; each import is all or nothing and is committed before the
    next (`commit`), so a refused table stops the seed with what came before kept. Then the
    companies with their grants, in one run; then today's reminder scan."""
    tables = Tables(hq_code, sizes)
    runs = {}

    def done(name: str, run: ImportRun) -> None:
        if commit:
            commit()
        if run.state is not ImportState.DONE:
            raise SeedFailed(run)
        runs[name] = run

    for kind, name, make in STEPS:
        run = services.run_import(actor, kind, f"large-{kind}.csv", _csv(make(tables)),
                                  progress=_step(progress, name))
        done(name, run)
    files = [("large-companies.csv", _csv(ventures.companies(tables))),
             ("large-incentive-grants.csv", _csv(ventures.grants(tables)))]
    done("companies", replay.run_import(actor, files, progress=_step(progress, "companies")))
    db.analyze(db.session)  # the planner's statistics of what was loaded, for the scan
    reminders = scan.scan(today())
    if commit:
        commit()
    return Seeded(runs, reminders)


def _step(progress: Progress | None, name: str) -> services.Progress:
    def step(done: int, total: int | None) -> None:
        if progress:
            progress(name, done, total)
    return step
