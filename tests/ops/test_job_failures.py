"""A scheduled job's failure is kept as a code and parameters and said in the reader's language
on the jobs page (the program's own words stay as a detail)."""

from __future__ import annotations

import logging

import pytest
from flask import Flask

from tests.conftest import login
from tests.factories import make_user
from tracker import db
from tracker.accounts.models import Role
from tracker.jobs import failures
from tracker.jobs.models import JobRun
from tracker.jobs.services import recorded


def test_each_kind_of_failure_is_kept_as_its_code(app: Flask):
    @recorded("reminders")
    def unreachable(app):
        logging.getLogger("tracker.scheduler").error(
            "the reminder job stopped: the database is unreachable (%s)", "refused",
            extra=failures.DATABASE)

    @recorded("imports")
    def raises(app):
        raise ZeroDivisionError("division by zero")

    @recorded("cleanup")
    def logs_a_traceback(app):
        try:
            {}["missing"]
        except KeyError:
            logging.getLogger("tracker.scheduler").exception("the clean-up job failed")

    unreachable(app)
    with pytest.raises(ZeroDivisionError):
        raises(app)
    logs_a_traceback(app)
    db.session.expire_all()
    kept = {run.job: (run.error_code, run.error_params, run.error)
            for run in db.session.query(JobRun)}
    assert kept == {
        "reminders": ("database", {}, "the reminder job stopped: the database is unreachable "
                                      "(refused)"),
        "imports": ("raised", {"kind": "ZeroDivisionError"},
                    "ZeroDivisionError: division by zero"),
        "cleanup": ("raised", {"kind": "KeyError"}, "the clean-up job failed")}

    @recorded("cleanup")
    def works(app):
        pass

    works(app)
    db.session.expire_all()
    assert db.session.get(JobRun, "cleanup").error_code is None


@pytest.mark.parametrize(("locale", "said", "other"), [
    ("en", "The job stopped: the database could not be reached.", "数据库"),
    ("zh_CN", "无法连接数据库", "could not be reached")])
def test_the_jobs_page_says_a_failure_in_the_readers_language(app, client, locale, said, other):
    @recorded("reminders")
    def unreachable(app):
        logging.getLogger("tracker.scheduler").error(
            "the reminder job stopped: the database is unreachable", extra=failures.DATABASE)

    unreachable(app)
    login(client, make_user(Role.HQ_ADMIN, locale=locale))
    page = client.get("/admin/jobs").get_data(as_text=True)
    assert said in page and other not in page
    # The program's words, for whoever reads the logs, stay as the detail.
    assert "the database is unreachable" in page
