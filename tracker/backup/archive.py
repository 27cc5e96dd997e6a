"""A backup is one tar file: the database (database.dump or database.sqlite), every uploaded
file the database lists (uploads/<its storage name>) and manifest.json, which holds the
SHA-256 and size of each of them, the database's revision, the rows of every table and the
audit trail's last hash.

`create` reads the list of files from the same snapshot as the dump (database.snapshot), so a
file uploaded or removed meanwhile never makes the two disagree. `restore` checks every
checksum before it changes anything, loads the database and the files into an empty
installation, then checks the result: every table's rows, every file against the checksum
its row holds, and the audit chain recomputed up to the manifest's last hash.
"""

from __future__ import annotations

import hashlib
import json
import os
import tarfile
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import IO

from tracker.audit import chain
from tracker.backup import database
from tracker.backup.database import BackupError
from tracker.files.storage import storage

FORMAT = "tracker-backup/1"
CHUNK = 1024 * 1024


def _sha256(stream: IO[bytes]) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    while chunk := stream.read(CHUNK):
        digest.update(chunk)
        size += len(chunk)
    return digest.hexdigest(), size


def _member_name(storage_name: str) -> str:
    """uploads/<storage name>, refusing a name that would leave the folder."""
    path = PurePosixPath(storage_name)
    if path.is_absolute() or ".." in path.parts or not path.parts:
        raise BackupError(f"refusing a stored file name outside the upload folder: "
                          f"{storage_name!r}")
    return f"uploads/{path}"


@dataclass
class Created:
    path: Path
    manifest: dict
    missing: list[int] = field(default_factory=list)  # files listed but not in the storage
    damaged: list[int] = field(default_factory=list)  # stored, but not what was uploaded


def create(folder: Path) -> Created:
    """Write tracker-backup-<UTC time>.tar into `folder` (0600), atomically."""
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC)
    final = folder / f"tracker-backup-{stamp:%Y%m%dT%H%M%SZ}.tar"
    with tempfile.TemporaryDirectory(dir=folder, prefix=".backup-") as work:
        work_dir = Path(work)
        dump = work_dir / "database"
        with database.snapshot(dump) as state:
            pass
        dialect = database.owner_url().get_backend_name()
        member = "database.sqlite" if dialect == "sqlite" else "database.dump"
        with dump.open("rb") as stream:
            dump_sha, dump_size = _sha256(stream)
        partial = work_dir / "archive.tar"
        result = Created(final, {})
        files = []
        kept = storage()
        with tarfile.open(partial, "w") as tar:
            tar.add(dump, arcname=member)
            for stored in state["files"]:
                name = _member_name(stored["name"])
                try:
                    source = kept.open(stored["name"])
                except FileNotFoundError:
                    result.missing.append(stored["id"])
                    continue
                with source, tempfile.SpooledTemporaryFile(CHUNK * 8) as spool:
                    digest, size = hashlib.sha256(), 0
                    while chunk := source.read(CHUNK):
                        digest.update(chunk)
                        size += len(chunk)
                        spool.write(chunk)
                    spool.seek(0)
                    info = tarfile.TarInfo(name)
                    info.size, info.mtime, info.mode = size, int(stamp.timestamp()), 0o600
                    tar.addfile(info, spool)
                sha = digest.hexdigest()
                if sha != stored["sha256"]:
                    result.damaged.append(stored["id"])
                files.append({"id": stored["id"], "path": name, "sha256": sha, "size": size})
            manifest = {
                "format": FORMAT, "created_at": stamp.isoformat(timespec="seconds"),
                "dialect": dialect, "revision": state["revision"],
                "database": {"path": member, "sha256": dump_sha, "size": dump_size},
                "tables": state["tables"], "audit": state["audit"], "files": files,
                "missing_files": result.missing, "damaged_files": result.damaged,
            }
            body = json.dumps(manifest, indent=1, ensure_ascii=False).encode()
            info = tarfile.TarInfo("manifest.json")
            info.size, info.mtime, info.mode = len(body), int(stamp.timestamp()), 0o600
            with tempfile.SpooledTemporaryFile() as spool:
                spool.write(body)
                spool.seek(0)
                tar.addfile(info, spool)
        os.chmod(partial, 0o600)
        os.replace(partial, final)
    result.manifest = manifest
    return result


def read_manifest(tar: tarfile.TarFile) -> dict:
    try:
        manifest = json.load(tar.extractfile("manifest.json"))
    except (KeyError, ValueError) as error:
        raise BackupError(f"no readable manifest.json in the archive: {error}") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"unknown backup format {manifest.get('format')!r}")
    return manifest


def verify(archive: Path) -> dict:
    """Every member the manifest lists, read back and checked; the manifest."""
    with tarfile.open(archive, "r") as tar:
        manifest = read_manifest(tar)
        for item in [manifest["database"], *manifest["files"]]:
            try:
                stream = tar.extractfile(item["path"])
            except KeyError:
                stream = None
            if stream is None:
                raise BackupError(f"{item['path']} is listed in the manifest but not in the "
                                  "archive")
            if _sha256(stream) != (item["sha256"], item["size"]):
                raise BackupError(f"{item['path']} does not match its checksum: the archive "
                                  "is damaged")
    return manifest


@dataclass
class Restored:
    manifest: dict
    problems: list[str]
    audit_checked: int


def restore(archive: Path) -> Restored:
    """Into an empty installation (no table in the database, nothing in the file storage)."""
    manifest = verify(archive)
    kept = storage()
    if next(kept.names(), None) is not None:
        raise BackupError(f"{kept.where()} is not empty: restore into an empty installation")
    with tempfile.TemporaryDirectory() as work, tarfile.open(archive, "r") as tar:
        dump = Path(work) / "database"
        with dump.open("wb") as out:
            out.write(tar.extractfile(manifest["database"]["path"]).read())
        database.put_back(dump, manifest["dialect"])
        for item in manifest["files"]:
            kept.put(str(PurePosixPath(item["path"]).relative_to("uploads")),
                     tar.extractfile(item["path"]))
    return Restored(manifest, *check(manifest))


def check(manifest: dict) -> tuple[list[str], int]:
    """What differs between the restored installation and the manifest."""
    problems = []
    now, verdict = database.counts_now()
    if now["revision"] != manifest["revision"]:
        problems.append(f"revision {now['revision']}, the backup's {manifest['revision']}")
    for table, rows in manifest["tables"].items():
        if now["tables"].get(table) != rows:
            problems.append(f"{table}: {now['tables'].get(table)} rows, the backup's {rows}")
    kept = storage()
    known_missing = set(manifest.get("missing_files", []))
    known_damaged = set(manifest.get("damaged_files", []))
    for stored in now["files"]:
        if stored["id"] in known_missing:
            continue
        try:
            source = kept.open(stored["name"])
        except FileNotFoundError:
            problems.append(f"stored file #{stored['id']} missing from {kept.where()}")
            continue
        with source:
            if _sha256(source)[0] != stored["sha256"] and stored["id"] not in known_damaged:
                problems.append(f"stored file #{stored['id']} differs from its checksum")
    if not verdict.intact:
        problems.append(f"the audit chain breaks at record #{verdict.broken.id}")
    elif verdict.last_hash != (manifest["audit"]["last_hash"] or chain.GENESIS):
        problems.append("the audit chain does not end at the backup's last hash")
    return problems, verdict.checked
