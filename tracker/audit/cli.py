"""`flask audit verify`: is the trail as it was written?"""

from __future__ import annotations

import click
from flask.cli import AppGroup

from tracker import db
from tracker.audit import chain

audit_cli = AppGroup("audit", help="The audit trail.")


@audit_cli.command("verify")
def verify_cmd() -> None:
    """Recompute every record's hash in order; exit 1 naming the first record that breaks the
    chain (it, or the record before it, was changed, removed or inserted)."""
    verdict = chain.verify(db.session)
    if verdict.intact:
        click.echo(f"Audit trail intact: {verdict.checked} records, last hash "
                   f"{verdict.last_hash}")
        return
    row = verdict.broken
    click.echo(
        f"Audit trail broken at record #{row.id} ({row.action}, {row.object_type} "
        f"#{row.object_id}, {row.at:%Y-%m-%d %H:%M:%S} UTC): its hash does not follow from the "
        f"record before it, so one of the two was changed, or a record between them removed. "
        f"The {verdict.checked} records before it are intact.",
        err=True,
    )
    raise SystemExit(1)
