"""A closed or contracted need is kept as it was (issue 9): its edit form and the needs
import refuse a change by the same check (`organisations.services.save_need`, in the sentence
of `need_states.final_refusal`), the import beside the row and the column the row changes;
the same row again changes nothing (issue 13)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func, select

from tests.conftest import login
from tests.factories import make_enterprise, make_need, make_user
from tests.imports.helpers import run
from tracker import db
from tracker.accounts.models import Role
from tracker.audit.models import AuditRecord
from tracker.imports.models import ImportState
from tracker.organisations.models import NeedState

HEADER = ["Title", "Enterprise credit code or name", "Description", "State"]
SAID = ("This need has been closed since Mar 2, 2026: it no longer changes. A closed need is "
        "final: if the enterprise asks again, record it as a new need.")


def _closed():
    enterprise = make_enterprise(name="Pump Works")
    return make_need(enterprise=enterprise, title="Quieter pumps", description="Below 60 dB",
                     state=NeedState.CLOSED, close_reason="The enterprise withdrew it",
                     state_since=datetime(2026, 3, 2, 2, tzinfo=UTC),
                     closed_at=datetime(2026, 3, 2, 2, tzinfo=UTC))


def _records() -> int:
    return db.session.scalar(select(func.count()).select_from(AuditRecord))


def test_a_row_changing_a_closed_need_is_refused_beside_its_column_and_writes_nothing(client):
    admin = make_user(Role.HQ_ADMIN)
    need = _closed()
    records = _records()
    result = run(admin, "needs", [HEADER, ["Quieter pumps", "Pump Works", "Below 55 dB",
                                           "closed"]])
    assert result.state is ImportState.FAILED
    assert result.errors == [[2, "Description", SAID]]
    assert _records() == records + 1  # the run's own record, nothing of the need
    db.session.expire_all()
    assert (need.description, need.state) == ("Below 60 dB", NeedState.CLOSED)
    admin.locale = "zh_CN"
    db.session.flush()
    login(client, admin)
    page = client.get(f"/admin/import/{result.id}").get_data(as_text=True)
    assert "不能再修改。已关闭的需求不再变动：若企业再次提出，请登记为新需求。" in page


def test_a_row_moving_a_closed_need_is_refused_beside_its_state():
    admin = make_user(Role.HQ_ADMIN)
    _closed()
    result = run(admin, "needs", [HEADER, ["Quieter pumps", "Pump Works", "Below 60 dB",
                                           "collected"]])
    assert result.errors == [[2, "State", SAID]]


def test_a_closed_need_imported_again_unchanged_changes_nothing():
    admin = make_user(Role.HQ_ADMIN)
    _closed()
    records = _records()
    result = run(admin, "needs", [HEADER, ["Quieter pumps", "Pump Works", "Below 60 dB",
                                           "closed"]])
    assert (result.state, result.updated, result.unchanged) == (ImportState.DONE, 0, 1), (
        result.errors)
    assert _records() == records + 1
