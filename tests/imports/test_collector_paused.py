"""An import runs with the cyclic collector's full passes paused (tracker/collector.py): each
of its rows makes dozens of small objects (cells, the form's values, audit records' changes)
and a full pass, counting allocations, walked every live object again and again: a sixth of
the importer's CPU in bench/import.py (`gc.callbacks`, README "Speed of the import"). Its
young generations are still collected: a row's forms are reference cycles, and with the
whole collector paused every row's forms were kept until the import's end (30 MB of the
bench's maximum RSS at 3,000 projects)."""

from __future__ import annotations

import gc

from wtforms import Form

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


def test_a_row_s_forms_do_not_outlive_it_until_the_import_ends(monkeypatch):
    admin, _pm = _setting()
    project = _project(admin)
    live_forms = []
    import_row = row_forms.import_row

    def noting(*args, **kwargs):
        live_forms.append(sum(isinstance(o, Form) for o in gc.get_objects()))
        return import_row(*args, **kwargs)

    monkeypatch.setattr(row_forms, "import_row", noting)
    rows = [[project.code, f"Step {n}", "contract_research", "2026-09-30", "in_progress",
             str(n), ""] for n in range(1, 41)]
    before = gc.get_threshold()
    gc.set_threshold(700, 10, 10)  # the interpreter's default, not the suite's (conftest)
    try:
        result = run(admin, "milestones", [MILESTONES, *rows])
    finally:
        gc.set_threshold(*before)
    assert (result.state, result.created) == (ImportState.DONE, 40), result.errors
    # Paused, every row's form was kept: 0, 1, 2, ... 39 at the 40th row. Collected young,
    # a form alive at a young collection (its row's) may be promoted out of reach until the
    # end, so some are: 24 of 40 when measured; the bound says "not every row's".
    assert max(live_forms) <= len(rows) * 3 // 4, live_forms
