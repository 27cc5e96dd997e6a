"""`flask backup create` then `flask backup restore` into an empty installation: every record
and every file comes back, and the audit chain verifies (issue 19, point 6)."""

from __future__ import annotations

import io
import json
import shutil
import tarfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import create_engine, select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from tests.conftest import PG_URL, _pg_admin, head_template
from tracker import create_app, db
from tracker.accounts.models import User
from tracker.audit import chain
from tracker.backup.database import tables_in
from tracker.db import Base
from tracker.demo import seed
from tracker.files import services as files
from tracker.files.models import StoredFile
from tracker.files.storage import storage
from tracker.projects.models import Project

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"


@pytest.fixture(scope="module")
def pg_template(app: Flask) -> str | None:
    """PostgreSQL: the database copied for each test that fills one: the run's as the
    migrations left it (tests/conftest.py:head_template)."""
    return head_template() if PG_URL else None


@pytest.fixture
def installation(app: Flask, tmp_path: Path, pg_template: str | None
                 ) -> Iterator[Callable[[str, bool], str]]:
    """installation(name, migrated) -> a database URL: migrated (to fill) or empty."""
    made: list[str] = []
    admin = _pg_admin(PG_URL) if PG_URL else None

    def make(name: str, migrated: bool) -> str:
        if admin is None:
            path = tmp_path / f"{name}.db"
            if migrated:
                shutil.copy(head_template(), path)
            return f"sqlite:///{path}"
        database = f"{make_url(PG_URL).database}_{name}"
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
            template = f' TEMPLATE "{pg_template}"' if migrated else ""
            conn.exec_driver_sql(f'CREATE DATABASE "{database}"{template}')
        made.append(database)
        return make_url(PG_URL).set(database=database).render_as_string(hide_password=False)

    yield make
    db.session.remove()
    if admin is not None:
        with admin.connect() as conn:
            for database in made:
                conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        admin.dispose()


def _app(url: str, uploads: Path) -> Flask:
    application = create_app("test", DATABASE_URL=url, UPLOAD_DIR=str(uploads))
    db.session.remove()
    db.session.configure(bind=application.extensions["engine"])
    return application


def _cli(application: Flask, *args: str):
    """`flask ARGS` on `application` (whose context the command finds: the suite's is pushed)."""
    with application.app_context():
        return application.test_cli_runner().invoke(args=list(args))


def _fill(application: Flask) -> None:
    """The demo organisation, and files stored as uploads are."""
    with application.app_context():
        seed()
        db.session.commit()
        pm = db.session.scalar(select(User).where(User.email == "pm@demo.jitri.cn"))
        project = db.session.scalar(select(Project).where(Project.pm_id == pm.id).limit(1))
        for name, content in (("photo.png", PNG), ("报告.pdf", PDF), ("second.png", PNG + b"2")):
            files.store(pm, io.BytesIO(content), name, project_id=project.id)
        db.session.commit()


def _rows(url: str) -> dict[str, list[tuple]]:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return {table.name: [tuple(row) for row in connection.execute(
                select(table).order_by(*table.primary_key.columns))]
                for table in Base.metadata.sorted_tables}
    finally:
        engine.dispose()


def test_a_restored_backup_has_every_record_and_file_and_its_audit_chain(
        installation, tmp_path):
    source_url = installation("backup_source", True)
    source = _app(source_url, tmp_path / "uploads")
    _fill(source)
    made = _cli(source, "backup", "create", "--to", str(tmp_path / "backups"))
    assert made.exit_code == 0, made.output
    (archive,) = (tmp_path / "backups").glob("tracker-backup-*.tar")
    assert archive.stat().st_mode & 0o777 == 0o600
    with tarfile.open(archive) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))
    assert len(manifest["files"]) == manifest["tables"]["stored_files"] >= 3
    assert manifest["audit"]["records"] > 20

    target_url = installation("backup_target", False)
    target = _app(target_url, tmp_path / "restored-uploads")
    restored = _cli(target, "backup", "restore", str(archive))
    assert restored.exit_code == 0, restored.output
    assert "audit chain intact" in restored.output

    before, after = _rows(source_url), _rows(target_url)
    assert sum(len(rows) for rows in before.values()) > 100
    assert after == before  # every table, every row, every column
    engine = create_engine(target_url)
    with Session(engine) as session:
        verdict = chain.verify(session)
        stored = session.scalars(select(StoredFile)).all()
    engine.dispose()
    assert verdict.intact and verdict.checked == manifest["audit"]["records"]
    assert len(stored) == len(manifest["files"])
    for row in stored:  # byte for byte the file uploaded
        assert (tmp_path / "restored-uploads" / row.storage_name).read_bytes() == (
            tmp_path / "uploads" / row.storage_name).read_bytes()
    assert {PNG, PDF, PNG + b"2"} <= {(tmp_path / "restored-uploads" / row.storage_name
                                      ).read_bytes() for row in stored}
    # Again into the same, now full installation: refused, nothing touched.
    again = _cli(target, "backup", "restore", str(archive))
    assert again.exit_code != 0 and "empty installation" in again.output
    assert _rows(target_url) == before


def test_a_damaged_archive_is_refused_before_anything_changes(installation, tmp_path):
    source = _app(installation("backup_damaged", True), tmp_path / "uploads")
    _fill(source)
    _cli(source, "backup", "create", "--to", str(tmp_path))
    (archive,) = tmp_path.glob("tracker-backup-*.tar")
    data = bytearray(archive.read_bytes())
    at = data.index(PDF)  # a byte of an uploaded file, inside the tar
    data[at + 20] ^= 0xFF
    archive.write_bytes(bytes(data))
    target_url = installation("backup_damaged_target", False)
    target = _app(target_url, tmp_path / "restored")
    result = _cli(target, "backup", "restore", str(archive))
    assert result.exit_code != 0 and "does not match its checksum" in result.output
    assert not (tmp_path / "restored").exists()
    assert tables_in(make_url(target_url)) == []


def test_a_backup_names_the_files_missing_from_the_upload_folder(installation, tmp_path):
    source = _app(installation("backup_missing", True), tmp_path / "uploads")
    _fill(source)
    with source.app_context():
        gone = db.session.scalars(select(StoredFile).order_by(StoredFile.id)).first()
        storage().delete(gone.storage_name)
        gone_id = gone.id
    result = _cli(source, "backup", "create", "--to", str(tmp_path))
    assert result.exit_code == 1
    assert f"missing from the file storage: #{gone_id}" in result.output
    (archive,) = tmp_path.glob("tracker-backup-*.tar")
    with tarfile.open(archive) as tar:
        assert json.load(tar.extractfile("manifest.json"))["missing_files"] == [gone_id]
