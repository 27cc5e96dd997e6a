"""`flask backup create` and `flask backup restore` (tracker/backup/archive.py)."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from tracker.backup import archive, database
from tracker.backup.database import BackupError

backup_cli = AppGroup("backup", help="Back up the database and the uploaded files; restore.")


@backup_cli.command("create")
@click.option("--to", "folder", type=click.Path(file_okay=False, path_type=Path),
              default=Path("instance/backups"), show_default=True,
              help="Folder to write the archive into.")
def create_cmd(folder: Path) -> None:
    """Write one archive: a consistent copy of the database (pg_dump, or SQLite's backup
    API), every uploaded file it lists, and a manifest of their checksums. Exits 1 when a
    listed file is missing or differs from its checksum (the archive is written all the
    same, and says which)."""
    try:
        made = archive.create(folder)
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    manifest = made.manifest
    click.echo(f"{made.path}: {manifest['dialect']} database at revision "
               f"{manifest['revision']}, {sum(manifest['tables'].values())} rows, "
               f"{len(manifest['files'])} files, audit trail of "
               f"{manifest['audit']['records']} records")
    for label, ids in (("missing from the file storage", made.missing),
                       ("different from the checksum taken at upload", made.damaged)):
        if ids:
            click.echo(f"warning: stored files {label}: "
                       + ", ".join(f"#{i}" for i in ids), err=True)
    if made.missing or made.damaged:
        raise SystemExit(1)


@backup_cli.command("verify")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def verify_cmd(path: Path) -> None:
    """Read an archive back and check every member against the manifest's checksums."""
    try:
        manifest = archive.verify(path)
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"{path}: intact ({len(manifest['files'])} files, made "
               f"{manifest['created_at']})")


@backup_cli.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--grant-app-role", "role", default=None, metavar="ROLE",
              help="PostgreSQL: then give ROLE (the one in DATABASE_URL) its rights.")
def restore_cmd(path: Path, role: str | None) -> None:
    """Bring an archive into an empty installation (a database with no table, an empty
    file storage), after checking every checksum; then check that every table has its rows,
    every file its checksum and the audit chain its last hash. Run as the tables' owner
    (MIGRATION_DATABASE_URL)."""
    try:
        restored = archive.restore(path)
        if role:
            database.grant(role)
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    manifest = restored.manifest
    if restored.problems:
        for problem in restored.problems:
            click.echo(f"error: {problem}", err=True)
        raise SystemExit(1)
    click.echo(f"restored {path}: {sum(manifest['tables'].values())} rows in "
               f"{len(manifest['tables'])} tables, {len(manifest['files'])} files, audit chain "
               f"intact ({restored.audit_checked} records)")
    if manifest["missing_files"]:
        click.echo("note: the backup was made without stored files "
                   + ", ".join(f"#{i}" for i in manifest["missing_files"])
                   + ": /healthz lists them", err=True)
