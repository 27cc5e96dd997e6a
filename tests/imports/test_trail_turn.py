"""An import takes the audit trail's turn only at its end (PostgreSQL). The trail's writers take
turns on an advisory lock held from a transaction's first sealed record to its commit
(`tracker.audit.chain`), and an import sealed its records as it wrote them: for the whole import
(up to a minute for 10,000 projects) every other audited action of the app, any form's save,
waited for it (issue 13). Its records are now held back and appended at its end
(`tracker.audit.held`): an action saved meanwhile chains before them, without waiting, and the
chain verifies, the import's records still naming it."""

from __future__ import annotations

import io
import threading

import pytest
from sqlalchemy import select, text

from tests.conftest import PG_URL
from tests.factories import make_institute, make_user
from tests.gates.test_concurrency import real_commits  # noqa: F401  (a fixture)
from tests.imports.helpers import csv_bytes
from tests.imports.test_pages import GOOD
from tracker import db
from tracker.accounts.models import Role, User
from tracker.audit import chain
from tracker.audit.models import AuditRecord
from tracker.imports import services as imports
from tracker.imports.models import ImportRun, ImportState
from tracker.organisations import services as organisations
from tracker.organisations.models import Institute, InstituteType

pytestmark = pytest.mark.skipif(not PG_URL, reason="writers of the trail in two connections "
                                                   "at once: PostgreSQL only")

NEW = 1_100  # past the bulk path's first batch of 1,000, whose records were sealed at once


def test_an_audited_action_does_not_wait_for_an_import_in_progress(app, real_commits):  # noqa: F811
    admin = make_user(Role.HQ_ADMIN)
    kept = make_institute(code="OLD-1", name="Old institute", type=InstituteType.JOINT)
    db.session.commit()
    admin_id, kept_id = admin.id, kept.id
    rows = [GOOD[0], ["OLD-1", "Old institute, renamed", "Materials", "joint"]] + [
        [f"NEW-{n}", f"Institute {n}", "Materials", "joint"] for n in range(NEW)]
    db.session.remove()
    written, go = threading.Event(), threading.Event()
    outcome: dict[str, object] = {}

    def pause_when_written(done: int, total: int | None) -> None:
        if done == len(rows) - 1:  # every row written, its transaction open
            written.set()
            assert go.wait(60), "the test never let the import end"

    def run_import() -> None:
        with app.app_context():
            try:
                run = imports.run_import(db.session.get(User, admin_id), "institutes", "i.csv",
                                         io.BytesIO(csv_bytes(rows)),
                                         progress=pause_when_written)
                db.session.commit()
                outcome["run"] = (run.id, run.state)
            except BaseException as error:  # noqa: BLE001  (reported below)
                outcome["error"] = error
                written.set()
            finally:
                db.session.remove()

    importer = threading.Thread(target=run_import)
    importer.start()
    try:
        assert written.wait(120), "the import never wrote its rows"
        assert "error" not in outcome, outcome
        # An ordinary form's save in another connection, while the import is still open: it
        # waited for the import's transaction, here for at most 5 s before failing.
        db.session.execute(text("SET LOCAL lock_timeout = '5s'"))
        saved = organisations.save_enterprise(db.session.get(User, admin_id), None,
                                              name="Saved meanwhile", uscc=None, city="",
                                              industry="")
        db.session.commit()
    finally:
        go.set()
        importer.join(120)
    assert not importer.is_alive() and "error" not in outcome, outcome
    run_id, state = outcome["run"]
    assert state is ImportState.DONE
    verdict = chain.verify(db.session)
    assert verdict.intact, verdict.broken
    records = db.session.scalars(select(AuditRecord).order_by(AuditRecord.id)).all()
    of_import = [r for r in records if "import" in r.changes]
    assert {r.changes["import"][1] for r in of_import} == {run_id}
    assert {(r.action, r.object_id) for r in of_import if r.object_id == kept_id} == {
        ("institute.update", kept_id)}  # written one by one, by the form's service
    assert sum(r.action == "institute.create" for r in of_import) == NEW  # in bulk
    # The save made meanwhile chained before the import's records, appended at its end.
    meanwhile = next(r for r in records if r.object_type == "enterprises"
                     and r.object_id == saved.id)
    assert meanwhile.id < of_import[0].id
    assert records[-1].action == "import.run" and records[-1].object_id == run_id
    assert db.session.scalar(select(Institute.name).where(Institute.id == kept_id)) == (
        "Old institute, renamed")
    assert db.session.get(ImportRun, run_id).created == NEW

