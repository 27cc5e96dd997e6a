"""An import runs with the cyclic collector's full passes paused (tracker/collector.py): each
of its rows makes dozens of small objects (cells, the form's values, audit records' changes)
and a full pass, counting allocations, walked every live object again and again: a sixth of
the importer's CPU in bench/import.py (`gc.callbacks`, README "Speed of the import"). Its
young generations are still collected: a row's forms are reference cycles, and with the
whole collector paused every row's forms were kept until the import's end (30 MB of the
bench's maximum RSS at 3,000 projects)."""

from __future__ import annotations

import gc

from tests.imports.helpers import run
from tests.imports.test_milestones import COLUMNS as MILESTONES
from tests.imports.test_milestones import _project
from tests.imports.test_projects import HEADER, _row, _setting
from tracker import collector
from tracker.imports import row_forms
from tracker.imports.models import ImportState


def test_an_import_runs_its_rows_without_full_passes_and_restores_the_collector(monkeypatch):
    """Done or refused, the import's rows run without full passes, and the thresholds are
    restored after."""
    admin, _pm = _setting()
    during_rows = []
    import_row = row_forms.import_row

    def noting(*args, **kwargs):
        during_rows.append((gc.isenabled(), gc.get_threshold()[2]))
        return import_row(*args, **kwargs)

    monkeypatch.setattr(row_forms, "import_row", noting)
    before = gc.get_threshold()
    assert run(admin, "projects", [HEADER, _row()]).state is ImportState.DONE
    assert gc.get_threshold() == before
    bad = _row(code="TEST-2019-0043", start="not a date")
    assert run(admin, "projects", [HEADER, bad]).state is ImportState.FAILED
    assert gc.get_threshold() == before
    assert during_rows == [(True, collector._NEVER)] * 2


def test_the_young_generations_are_collected_while_an_import_runs_and_no_full_pass(monkeypatch):
    """What frees a row's forms (reference cycles) while the import goes on: collections of
    the young generations between its rows, and no full pass. The memory this saves is the
    bench's to measure (README: 279 to 249 MB at 3,000 projects); paused whole, the collector
    made none until the import ended."""
    admin, _pm = _setting()
    project = _project(admin)
    rows = [[project.code, f"Step {n}", "contract_research", "2026-09-30", "in_progress",
             str(n), ""] for n in range(1, 41)]
    generations, at_rows = [], []
    import_row = row_forms.import_row

    def noting_row(*args, **kwargs):
        at_rows.append(len(generations))
        return import_row(*args, **kwargs)

    def noting(phase, info):
        if phase == "start":
            generations.append(info["generation"])

    monkeypatch.setattr(row_forms, "import_row", noting_row)
    before = gc.get_threshold()
    gc.set_threshold(50, 5, 5)  # often, whatever a row allocates (the suite: conftest)
    gc.callbacks.append(noting)
    try:
        result = run(admin, "milestones", [MILESTONES, *rows])
    finally:
        gc.callbacks.remove(noting)
        gc.set_threshold(*before)
    assert (result.state, result.created) == (ImportState.DONE, 40), result.errors
    during = generations[at_rows[0]:at_rows[-1]]
    assert during and 2 not in during, (at_rows, generations)
