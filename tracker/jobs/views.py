"""/admin/jobs: HQ admins see each scheduled job's last run, what went wrong in their language
(tracker/jobs/failures.py) and the program's words as a detail."""

from __future__ import annotations

from flask import Blueprint, render_template

from tracker.accounts.models import User
from tracker.jobs import failures
from tracker.jobs.services import last_runs
from tracker.web.permissions import requires

bp = Blueprint("jobs", __name__)


@bp.get("/admin/jobs")
@requires(User.is_hq_admin)
def index() -> str:
    runs = last_runs()
    rows = [(failures.job_name(job), runs.get(job)) for job in failures.JOBS]
    rows += [(job, run) for job, run in sorted(runs.items()) if job not in failures.JOBS]
    return render_template("jobs/index.html", rows=rows, headline=failures.headline)
