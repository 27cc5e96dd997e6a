"""`flask import KIND FILE`: the upload page's import from the command line, with a bar."""

from __future__ import annotations

import time
from contextlib import ExitStack
from pathlib import Path

import click
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from tracker import db
from tracker.accounts.models import Role, RoleGrant, User
from tracker.accounts.services import find_by_email
from tracker.display.labels import label
from tracker.imports import export, jobs, notices, prerequisites, replay, services, shortened
from tracker.imports.column_notes import readme_table
from tracker.imports.columns import KINDS
from tracker.imports.kinds import ADAPTERS
from tracker.imports.models import ImportState
from tracker.imports.sheets import TEMPLATE_FORMATS, errors_csv, template


def _prerequisites(kinds: list[str]) -> None:
    """What the kinds need and is missing (`Kind.needs`), said before the file is read, with
    the command that records it: on a fresh installation, `flask hq create`."""
    found = prerequisites.missing([KINDS[kind] for kind in kinds])
    commands = dict.fromkeys(prerequisites.COMMANDS[need] for need in found)
    if found:
        raise click.ClickException(" ".join([*found.values(), *(
            _("Run `%(command)s`.", command=command) for command in commands)]))


def _importer(email: str | None) -> User | None:
    """The HQ admin the audit trail names: the one `--as` names, else the only one."""
    if email:
        return find_by_email(email)
    admins = list(db.session.scalars(
        select(User).join(RoleGrant).where(RoleGrant.role == Role.HQ_ADMIN, User.active)))
    return admins[0] if len(admins) == 1 else None


def _actor(email: str | None, importer: User | None) -> User:
    if importer is not None:
        return importer
    if email:
        raise click.ClickException(_("No account has the e-mail %(email)s.", email=email))
    raise click.ClickException(_("Say which HQ admin imports: --as EMAIL."))


@click.command("import")
@click.argument("kind", type=click.Choice(sorted(ADAPTERS)))
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check every row and say what would change; "
              "write nothing.")
@click.option("--as", "email", help="The HQ admin the audit trail names (default: the only one).")
@click.option("--lang", type=click.Choice(["zh_CN", "en"]), default=None,
              help="Language of the messages (default: the importing user's, else DEFAULT_LOCALE).")
@click.option("--errors", "errors_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write the errors as CSV to this file.")
@click.option("--grants", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="With companies: their incentive grants file, imported in the same run, "
              "each company's ledger replayed in date order across both files.")
def import_cli(kind: str, file: Path, dry_run: bool, email: str | None, lang: str | None,
               errors_path: Path | None, grants: Path | None) -> None:
    """Import a CSV or XLSX file of KIND: all rows, or none when any row is refused."""
    if grants is not None and kind != "companies":
        raise click.UsageError("--grants goes with the companies file")
    importer = _importer(email)
    # The importer's language from the first word (the prerequisites, an unknown --as).
    locale = lang or (importer and importer.locale) or current_app.config["DEFAULT_LOCALE"]
    with force_locale(locale):
        _prerequisites([kind, "incentive_grants"] if grants else [kind])
        actor = _actor(email, importer)
    with force_locale(locale), click.progressbar(length=1, label=file.name) as bar:
        def progress(done: int, total: int | None) -> None:
            bar.length = max(total or done, done, 1)
            bar.update(done - bar.pos)

        with ExitStack() as files:
            stream = files.enter_context(file.open("rb"))
            try:
                run = (replay.run_import(actor, [(file.name, stream), (
                    grants.name, files.enter_context(grants.open("rb")))], dry_run=dry_run,
                    progress=progress) if grants else
                    services.run_import(actor, kind, file.name, stream, dry_run=dry_run,
                                        progress=progress))
            except KeyboardInterrupt:
                # Ctrl-C: nothing of the file is kept; the run is recorded as cancelled.
                db.session.rollback()
                run = services.record_cancelled(actor, kind, file.name, dry_run)
        db.session.commit()
        click.echo("")
        counts = {"state": label(run.state), "created": run.created, "updated": run.updated,
                  "unchanged": run.unchanged, "id": run.id}
        # A dry run says what would be done: it did nothing.
        # A failed or cancelled import for real wrote nothing: no count says otherwise.
        if run.wrote_nothing:  # its state says so: "Refused: nothing written"
            click.echo(_("%(state)s (import #%(id)d)", **counts))
        else:
            click.echo(_("%(state)s: %(created)d would be created, %(updated)d would be "
                         "updated, %(unchanged)d unchanged (import #%(id)d)", **counts)
                       if run.dry_run else
                       _("%(state)s: %(created)d created, %(updated)d updated, %(unchanged)d "
                         "unchanged (import #%(id)d)", **counts))
        for line in notices.lines(run.notices):  # the sheet read, the columns ignored
            click.echo(line)
        if run.readings:
            click.echo(_("Short forms read, each as the one choice it fits:"))
            for line in shortened.lines(run.readings):
                click.echo(f"  {line}")
        for row, column, message in run.placed_errors:
            click.echo(_("row %(row)d, %(column)s: %(message)s", row=row, column=column or "-",
                         message=message), err=True)
        if errors_path is not None and run.errors:
            errors_path.write_bytes(errors_csv(run))
    if run.state not in (ImportState.DONE, ImportState.CHECKED):
        raise SystemExit(1)


@click.command("import-export")
@click.argument("kind", type=click.Choice(sorted(export.ROWS)))
@click.argument("file", type=click.Path(dir_okay=False, writable=True, path_type=Path))
def import_export_cli(kind: str, file: Path) -> None:
    """Write the records of KIND as the CSV file its import reads."""
    file.write_bytes(export.export_csv(kind))


@click.command("import-template")
@click.argument("kind", type=click.Choice(sorted(KINDS)))
@click.argument("file", type=click.Path(dir_okay=False, writable=True, path_type=Path))
@click.option("--lang", type=click.Choice(["zh_CN", "en"]), default=None,
              help="Language of the headers (default: DEFAULT_LOCALE).")
def import_template_cli(kind: str, file: Path, lang: str | None) -> None:
    """Write the empty template of KIND to FILE, CSV or XLSX by its extension: the file the
    upload page offers, headers in the language asked."""
    fmt = file.suffix.lower().removeprefix(".")
    if fmt not in TEMPLATE_FORMATS:
        raise click.BadParameter(f"end it in {' or '.join(f'.{f}' for f in TEMPLATE_FORMATS)}",
                                 param_hint="FILE")
    with force_locale(lang or current_app.config["DEFAULT_LOCALE"]):
        body, _mimetype = template(KINDS[kind], fmt)
    file.write_bytes(body)


@click.command("import-columns")
@click.argument("kinds", nargs=-1, type=click.Choice(sorted(ADAPTERS)))
def import_columns_cli(kinds: tuple[str, ...]) -> None:
    """Print the columns of each KIND (default: all) as the README's tables say them, from the
    text the upload page shows (`column_notes`)."""
    for kind in kinds or ADAPTERS:
        click.echo(f"`{kind}`\n\n{readme_table(KINDS[kind])}\n")


@click.command("import-worker")
@click.option("--once", is_flag=True, help="Carry out what is queued now, then stop.")
def import_worker_cli(once: bool) -> None:
    """Carry out the imports uploaded through the web (the scheduler does it too, every
    IMPORT_POLL_SECONDS)."""
    while True:
        ran = jobs.work()
        if ran:
            click.echo(f"{ran} import(s) carried out")
        if once:
            return
        time.sleep(current_app.config["IMPORT_POLL_SECONDS"])
