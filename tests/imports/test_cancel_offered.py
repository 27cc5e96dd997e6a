"""An import's page offers Cancel exactly when the POST would cancel it, and where the reader may
import but the run can't be cancelled now it says why, in the sentence the service refuses with
(issue 9 point 6, issue 11 point 2): the view passes what `ImportRun.can_cancel` (who) and
`jobs.cancel_refusal` (when) answered, where the template read `run.is_open` around the form.
Before, a run whose cancellation was asked already said only "Cancelling…" where Cancel had
been (the two cases of "cancel asked" failed on that page)."""

from __future__ import annotations

import html
from datetime import timedelta

import pytest

from tests.conftest import login, post
from tests.factories import _commit, make_hq, make_user
from tracker import db
from tracker.accounts.models import Role
from tracker.db import utcnow
from tracker.imports.models import ImportRun, ImportState

ASKED = {"en": "Its cancellation was asked already: it stops at its next progress report",
         "zh_CN": "已申请取消该导入：它将在下一次报告进度时停止"}
ENDED = {"en": "there is nothing to cancel", "zh_CN": "无可取消"}
# SQLite: a running job reads no Cancel (`jobs.SessionReporter`), so none is offered; before,
# the page said "nothing of it is kept" and the run went on to write every row.
UNSTOPPABLE = {"en": "A running import cannot be stopped on this installation's database",
               "zh_CN": "正在运行的导入无法中途停止"}
# What the page of the run says as it stands, and after the POST that succeeded.
BEING_CANCELLED = {"en": "is being cancelled: nothing of it is kept", "zh_CN": "正在取消"}

# state: (Cancel offered, the sentence said in its place, or None)
STATES = {
    "queued": (True, None),
    "running": (True, None),
    "cancel asked": (False, ASKED),
    "done": (False, None),
    "failed": (False, None),
    "cancelled": (False, None),
}


def _run(state: str) -> ImportRun:
    admin = make_user(Role.HQ_ADMIN)
    ended = state in ("done", "failed", "cancelled")
    run = ImportRun.of(admin, "institutes", "institutes.csv", False, total_rows=0,
                       state=ImportState.RUNNING if state == "cancel asked"
                       else ImportState(state), upload=None if ended else b"Code\n",
                       cancel_requested=state in ("cancel asked", "cancelled"),
                       finished_at=utcnow() - timedelta(hours=1) if ended else None)
    db.session.add(run)
    _commit()
    return run


@pytest.mark.parametrize("locale", ["en", "zh_CN"])
@pytest.mark.parametrize("state", sorted(STATES))
def test_cancel_is_offered_exactly_when_the_post_cancels(client, state, locale):
    make_hq()
    offered, said = STATES[state]
    if state in ("running", "cancel asked") and db.session.get_bind().dialect.name == "sqlite":
        offered, said = False, UNSTOPPABLE
    run = _run(state)
    login(client, make_user(Role.HQ_ADMIN, locale=locale))
    page = html.unescape(client.get(f"/admin/import/{run.id}").get_data(as_text=True))
    assert (f'action="/admin/import/{run.id}/cancel"' in page) is offered
    assert ('id="why-not-cancel"' in page) is (said is not None)
    if said is not None:
        assert said[locale] in page
    # An ended run says what it did, at the top; no sentence about a Cancel it never offers.
    assert ENDED[locale] not in page

    answer = post(client, f"/admin/import/{run.id}/cancel", follow_redirects=False)
    assert answer.status_code == (302 if offered else 409)
    db.session.refresh(run)
    if offered:
        assert run.cancel_requested
        assert run.state is (ImportState.CANCELLED if state == "queued" else ImportState.RUNNING)
        after = html.unescape(client.get(answer.headers["Location"]).get_data(as_text=True))
        assert BEING_CANCELLED[locale] in after
        assert f'action="/admin/import/{run.id}/cancel"' not in after
    else:
        refused = html.unescape(answer.get_data(as_text=True))
        assert (said or ENDED)[locale] in refused
        assert run.state is (ImportState.RUNNING if state in ("running", "cancel asked")
                             else ImportState(state))


def test_who_may_not_import_is_offered_nothing_and_told_nothing(client):
    """The page is HQ admins' (`ImportRun.can_view`): anyone else gets neither the form nor
    the refusal, but the page's 403, and so does their POST."""
    make_hq()
    run = _run("cancel asked")
    login(client, make_user(Role.OBSERVER))
    assert client.get(f"/admin/import/{run.id}").status_code == 403
    assert post(client, f"/admin/import/{run.id}/cancel").status_code == 403
