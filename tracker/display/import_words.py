"""The words of the audit trail for spreadsheet imports (tracker/imports) and scheduled jobs
(tracker/jobs): a run, and the run named on each record it wrote.
`tracker.display.words` merges them into its tables."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

ACTIONS = {
    "import.run": _l("Spreadsheet import run"),
    "import.queue": _l("Spreadsheet import queued"),
    "import.cancel": _l("Spreadsheet import cancelled"),
    "import.confirm": _l("Spreadsheet import of a checked file queued"),
}

OBJECTS = {
    "import_runs": _l("Import"),
    "job_runs": _l("Scheduled job"),
}

FIELDS = {
    "created": _l("Created"),
    "done_rows": _l("Rows read"),
    "dry_run": _l("Dry run"),
    "errors": _l("Errors"),
    "file": _l("File"),
    "filename": _l("File"),
    "total_rows": _l("Rows"),
    "finished_at": _l("Finished"),
    "import": _l("Import"),
    "imported_in_id": _l("Imported in"),
    "checked_in": _l("Checked in the dry run"),
    "has_upload": _l("File kept"),
    "started_at": _l("Started"),
    "unchanged": _l("Unchanged"),
    "seen_at": _l("Last progress"),
    "cancel_requested": _l("Cancel requested"),
    "upload": _l("Uploaded file"),
    "grants_filename": _l("Incentive grants file"),
    "notices": _l("How the file was read"),
    "grants_upload": _l("Uploaded incentive grants file"),
    "readings": _l("Short forms read"),
    "updated": _l("Updated"),
    "job": _l("Scheduled job"),
    "ran_on": _l("Ran on"),
    "last_ok_at": _l("Last run without error"),
    "error": _l("Error"),
    "error_code": _l("What went wrong"),
    "error_params": _l("What went wrong (details)"),
}
