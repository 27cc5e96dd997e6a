"""An import runs with Python's cyclic collector paused (tracker/collector.py): each of its
rows makes dozens of small objects (cells, the form's values, audit records' changes) and the
collector, counting allocations, walked every live object again and again: a sixth of the
importer's CPU in bench/import.py (`gc.callbacks`, README "Speed of the import")."""

from __future__ import annotations

import gc

from tests.imports.helpers import run
from tests.imports.test_projects import HEADER, _row, _setting
from tracker.imports import row_forms
from tracker.imports.models import ImportState


def test_an_import_runs_its_rows_with_the_collector_paused_and_resumes_it(monkeypatch):
    """Done or refused, the import's rows run paused, and the collector resumes after."""
    admin, _pm = _setting()
    enabled_during_rows = []
    import_row = row_forms.import_row

    def noting(*args, **kwargs):
        enabled_during_rows.append(gc.isenabled())
        return import_row(*args, **kwargs)

    monkeypatch.setattr(row_forms, "import_row", noting)
    assert gc.isenabled()
    assert run(admin, "projects", [HEADER, _row()]).state is ImportState.DONE
    assert gc.isenabled()
    bad = _row(code="TEST-2019-0043", start="not a date")
    assert run(admin, "projects", [HEADER, bad]).state is ImportState.FAILED
    assert gc.isenabled()
    assert enabled_during_rows == [False, False]
