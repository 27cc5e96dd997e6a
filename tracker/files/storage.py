"""Where uploaded files' bytes live: a folder (one host, or a folder every host mounts) or an
S3-compatible object store, chosen by the FILE_STORAGE setting.

    FILE_STORAGE=local            # UPLOAD_DIR, the default
    FILE_STORAGE=s3://bucket/pre  # objects `pre/<storage name>` in `bucket`; S3_ENDPOINT_URL for
                                  # a store other than AWS (MinIO, Ceph, OSS, COS), credentials
                                  # from the usual AWS_* variables

Every host of an installation must see the same files: a folder each host mounts (NFS) or the
object store. The rest of the app names a file by its `StoredFile.storage_name` and reads and
writes only through `storage()`.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from functools import cache
from pathlib import Path, PurePosixPath
from typing import IO, Protocol
from urllib.parse import urlsplit

import boto3
from botocore.exceptions import ClientError
from flask import current_app

CHUNK = 1024 * 1024


class Storage(Protocol):
    def put(self, name: str, source: IO[bytes]) -> None:
        """Keep `source`'s bytes (read from where it stands) as `name`, whole or not at all."""

    def open(self, name: str) -> IO[bytes]:
        """The bytes of `name`; FileNotFoundError when it is not there."""

    def exists(self, name: str) -> bool: ...

    def delete(self, name: str) -> None:
        """Forget `name`; nothing when it is not there."""

    def names(self) -> Iterator[str]:
        """Every name held."""

    def where(self) -> str:
        """Said to an operator: the folder or the bucket."""


class FolderStorage:
    """Files under a folder, readable by the app's own user only: folders 0700, files 0600,
    whatever the process's umask. A file is written beside its name and renamed into place."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)

    def _path(self, name: str) -> Path:
        relative = PurePosixPath(name)
        if relative.is_absolute() or ".." in relative.parts:
            raise ValueError(f"not a storage name: {name!r}")
        return self.root / relative

    def put(self, name: str, source: IO[bytes]) -> None:
        target = self._path(name)
        for folder in (self.root, target.parent):
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            folder.chmod(0o700)
        partial = target.with_suffix(".part")
        try:
            with os.fdopen(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600),
                           "wb") as out:
                shutil.copyfileobj(source, out, CHUNK)
            os.replace(partial, target)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise

    def open(self, name: str) -> IO[bytes]:
        return self._path(name).open("rb")

    def exists(self, name: str) -> bool:
        return self._path(name).is_file()

    def delete(self, name: str) -> None:
        self._path(name).unlink(missing_ok=True)

    def names(self) -> Iterator[str]:
        if self.root.is_dir():
            for path in self.root.rglob("*"):
                if path.is_file() and path.suffix != ".part":
                    yield path.relative_to(self.root).as_posix()

    def where(self) -> str:
        return str(self.root)

    def path(self, name: str) -> Path:
        """The file on disk, for serving it with the web server's own file sending."""
        return self._path(name)


class ObjectStorage:
    """Objects `<prefix>/<name>` in a bucket of an S3-compatible store. A PUT is whole or
    absent, so nothing is written beside the name first."""

    def __init__(self, bucket: str, prefix: str, client) -> None:
        self.bucket, self.prefix, self.client = bucket, prefix.strip("/"), client

    def _key(self, name: str) -> str:
        return f"{self.prefix}/{name}" if self.prefix else name

    def put(self, name: str, source: IO[bytes]) -> None:
        self.client.upload_fileobj(source, self.bucket, self._key(name))

    def open(self, name: str) -> IO[bytes]:
        try:
            return self.client.get_object(Bucket=self.bucket, Key=self._key(name))["Body"]
        except self.client.exceptions.NoSuchKey as e:
            raise FileNotFoundError(name) from e

    def exists(self, name: str) -> bool:
        try:
            self.client.head_object(Bucket=self.bucket, Key=self._key(name))
        except ClientError as e:
            if e.response.get("Error", {}).get("Code") in {"404", "NoSuchKey", "NotFound"}:
                return False
            raise
        return True

    def delete(self, name: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=self._key(name))

    def names(self) -> Iterator[str]:
        start = f"{self.prefix}/" if self.prefix else ""
        pages = self.client.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix=start)
        for page in pages:
            for item in page.get("Contents", []):
                yield item["Key"][len(start):]

    def where(self) -> str:
        return f"s3://{self.bucket}/{self.prefix}"


def storage() -> FolderStorage | ObjectStorage:
    """The current app's storage (one client per setting, shared by the process's threads)."""
    config = current_app.config
    return _made(config["FILE_STORAGE"], config["UPLOAD_DIR"], config["S3_ENDPOINT_URL"],
                 config["S3_REGION"])


def check_setting(setting: str) -> None:
    """Refuse, at start, a FILE_STORAGE that names no storage."""
    if setting not in ("", "local"):
        parts = urlsplit(setting)
        if parts.scheme != "s3" or not parts.netloc or parts.query or parts.fragment:
            raise RuntimeError(
                f"FILE_STORAGE is 'local' or 's3://bucket/prefix', not {setting!r}")


@cache
def _made(setting: str, upload_dir: str, endpoint: str, region: str
          ) -> FolderStorage | ObjectStorage:
    if setting in ("", "local"):
        return FolderStorage(upload_dir)
    check_setting(setting)
    parts = urlsplit(setting)
    client = boto3.client("s3", endpoint_url=endpoint or None, region_name=region or None)
    return ObjectStorage(parts.netloc, parts.path, client)
