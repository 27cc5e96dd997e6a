"""Uploaded files in an S3-compatible object store (FILE_STORAGE=s3://bucket/prefix, issue #19):
what several hosts share instead of a folder. A real S3 server over HTTP (moto's, started here
on 127.0.0.1) behind boto3, as MinIO or a cloud store would be: upload through one instance and
download through another, nothing half-stored when a transaction rolls back, a file missing
from the store said as it is, and a backup of a folder installation restored into the store."""

from __future__ import annotations

import io
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest
from flask import Flask
from sqlalchemy import select

from tests.conftest import EnglishClient, login
from tests.factories import install_gates, make_user
from tests.milestones.test_milestones import PNG, in_research
from tests.ops.test_backup import PDF, _cli, _fill, installation, pg_template  # noqa: F401
from tests.test_several_instances import evidence_posted_across
from tracker import create_app, db
from tracker.files import services as files
from tracker.files.models import StoredFile
from tracker.files.storage import ObjectStorage, storage
from tracker.web import health

BUCKET = "tracker-test"
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "tracker", "AWS_SECRET_ACCESS_KEY": "tracker-secret",
               "AWS_DEFAULT_REGION": "us-east-1"}


@pytest.fixture(scope="module")
def endpoint() -> Iterator[str]:
    """An S3 server on a free port of 127.0.0.1, with one bucket."""
    from moto.server import ThreadedMotoServer

    saved = {key: os.environ.get(key) for key in CREDENTIALS}
    os.environ.update(CREDENTIALS)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    url = f"http://{host}:{port}"
    boto3.client("s3", endpoint_url=url).create_bucket(Bucket=BUCKET)
    yield url
    server.stop()
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


def _objects(url: str, prefix: str) -> dict[str, bytes]:
    client = boto3.client("s3", endpoint_url=url)
    listed = client.list_objects_v2(Bucket=BUCKET, Prefix=f"{prefix}/").get("Contents", [])
    return {item["Key"][len(prefix) + 1:]: client.get_object(
        Bucket=BUCKET, Key=item["Key"])["Body"].read() for item in listed}


def _in_store(application: Flask, endpoint: str, prefix: str, **config) -> Flask:
    made = create_app("test", FILE_STORAGE=f"s3://{BUCKET}/{prefix}", S3_ENDPOINT_URL=endpoint,
                      DEFAULT_LOCALE="en", **config)
    made.test_client_class = EnglishClient
    return made


@pytest.fixture
def prefix() -> str:
    return f"t{uuid.uuid4().hex[:12]}"


@pytest.fixture
def in_store(app: Flask, endpoint: str, prefix: str) -> Iterator[Flask]:
    """The suite's database, its files in the object store; the suite's app context stays."""
    made = _in_store(app, endpoint, prefix, DATABASE_URL=app.config["DATABASE_URL"],
                     UPLOAD_DIR=app.config["UPLOAD_DIR"])
    with made.app_context():
        yield made
    made.extensions["engine"].dispose()


def test_evidence_uploaded_through_one_host_downloads_through_another(
        app, endpoint, prefix, tmp_path):
    """Two instances with different upload folders (two hosts, nothing mounted in common):
    the store is what they share."""
    hosts = [_in_store(app, endpoint, prefix, DATABASE_URL=app.config["DATABASE_URL"],
                       UPLOAD_DIR=str(tmp_path / f"host{n}")) for n in (1, 2)]
    browser, evidence = evidence_posted_across(hosts)
    name = db.session.get(StoredFile, evidence.file_id).storage_name
    for _ in range(2):
        download = browser.get(f"/files/{evidence.file_id}")
        assert download.status_code == 200 and download.data == PNG
        assert download.headers["Content-Disposition"].startswith("attachment")
    assert _objects(endpoint, prefix) == {name: PNG}
    assert not any(p.is_file() for n in (1, 2) for p in (tmp_path / f"host{n}").rglob("*"))
    for host in hosts:
        host.extensions["engine"].dispose()


def test_nothing_stays_in_the_store_from_a_transaction_rolled_back(in_store, endpoint, prefix):
    user = make_user()
    db.session.commit()
    kept = files.store(user, io.BytesIO(PNG), "kept.png")
    db.session.commit()
    files.store(user, io.BytesIO(PDF), "dropped.pdf")
    assert len(_objects(endpoint, prefix)) == 2  # written as soon as it is stored
    db.session.rollback()
    assert _objects(endpoint, prefix) == {kept.storage_name: PNG}
    files.remove(kept)
    assert len(_objects(endpoint, prefix)) == 1  # until the removal commits
    db.session.commit()
    assert _objects(endpoint, prefix) == {}


def test_a_file_missing_from_the_store_is_said_as_it_is(in_store, endpoint, prefix):
    install_gates()
    project = in_research()
    stored = files.store(project.pm, io.BytesIO(PNG), "photo.png", project_id=project.id)
    db.session.commit()
    assert isinstance(storage(), ObjectStorage) and files.missing() == (0, [])
    boto3.client("s3", endpoint_url=endpoint).delete_object(
        Bucket=BUCKET, Key=f"{prefix}/{stored.storage_name}")
    assert files.missing() == (1, [stored.id])
    client = in_store.test_client()
    login(client, project.pm)
    response = client.get(f"/files/{stored.id}")
    assert response.status_code == 404
    assert "it is missing from the server" in response.get_data(as_text=True)
    health.forget()
    assert client.get("/healthz").get_json()["files"]["missing"] == 1


def test_a_backup_of_a_folder_installation_restores_into_the_store(
        app, installation, endpoint, prefix, tmp_path):  # noqa: F811
    """Moving from a folder to an object store is a backup and a restore."""
    source = create_app("test", DATABASE_URL=installation("s3_source", True),
                        UPLOAD_DIR=str(tmp_path / "uploads"))
    db.session.remove()
    db.session.configure(bind=source.extensions["engine"])
    _fill(source)
    made = _cli(source, "backup", "create", "--to", str(tmp_path / "backups"))
    assert made.exit_code == 0, made.output
    (archive,) = (tmp_path / "backups").glob("tracker-backup-*.tar")

    target = _in_store(app, endpoint, prefix, DATABASE_URL=installation("s3_target", False),
                       UPLOAD_DIR=str(tmp_path / "unused"))
    db.session.remove()
    db.session.configure(bind=target.extensions["engine"])
    restored = _cli(target, "backup", "restore", str(archive))
    assert restored.exit_code == 0, restored.output
    with target.app_context():
        names = db.session.scalars(select(StoredFile.storage_name)).all()
    uploaded = {name: (tmp_path / "uploads" / name).read_bytes() for name in names}
    assert _objects(endpoint, prefix) == uploaded and len(uploaded) >= 3
    assert not Path(tmp_path / "unused").exists()
    again = _cli(target, "backup", "restore", str(archive))
    assert again.exit_code != 0 and f"s3://{BUCKET}/{prefix} is not empty" in again.output
    for made_app in (source, target):
        made_app.extensions["engine"].dispose()


@pytest.mark.parametrize("setting", ["s3:/bucket", "ftp://bucket/x", "/srv/uploads",
                                     "s3://bucket/x?region=cn"])
def test_a_storage_setting_naming_no_storage_refuses_to_start(setting):
    with pytest.raises(RuntimeError, match="FILE_STORAGE is 'local' or 's3://bucket/prefix'"):
        create_app("test", FILE_STORAGE=setting)
