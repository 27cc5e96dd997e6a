"""Accepting an upload: size, type recognised by content, storage, and no orphan on failure.

The type is read from the file's first bytes (the `filetype` library), never trusted from the
name or the browser's Content-Type; the name's extension must agree with what the content is.
"""

from __future__ import annotations

import hashlib
import tempfile
import unicodedata
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import IO, TYPE_CHECKING, Any

import filetype
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from tracker import db
from tracker.display.formatting import labelled
from tracker.display.said import listed
from tracker.errors import Invalid, Problems
from tracker.files.models import StoredFile
from tracker.files.storage import Storage, storage

if TYPE_CHECKING:
    from tracker.accounts.models import User

# Extension -> MIME type of what the content must be.
ALLOWED = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "png": "image/png",
    "jpg": "image/jpeg",
    "heic": "image/heic",
    "heif": "image/heif",
    "zip": "application/zip",
}
ALIASES = {"jpeg": "jpg"}
# What a file input offers to choose (its `accept`): the extensions above and their types, so a
# phone's picker shows its photos and camera and a desktop's dialog these files.
ACCEPT = ",".join([f".{e}" for e in [*ALLOWED, *ALIASES]] + sorted(set(ALLOWED.values())))
HEAD_BYTES = 8192
# A phone's photo in HEIF (iPhones and many Android phones save HEIC): an ISO media file whose
# `ftyp` box names one of these brands. Stored as it is; its name may say .heic or .heif.
HEIF_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1"}


def _is_heif(head: bytes) -> bool:
    """Whether `head` starts a HEIF image: its first box is `ftyp` with a HEIF brand (an AVIF
    file, which shares the mif1 brand, is not)."""
    if len(head) < 16 or head[4:8] != b"ftyp":
        return False
    size = int.from_bytes(head[:4], "big")
    brands = {head[8:12]} | {head[i:i + 4] for i in range(16, min(size, len(head)) - 3, 4)}
    return bool(brands & HEIF_BRANDS) and b"avif" not in brands


def _extension(filename: str) -> str:
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    return ALIASES.get(ext, ext)


def clean_name(filename: str) -> str:
    """The user's file name without any path, control characters or surrounding spaces."""
    name = unicodedata.normalize("NFC", filename.replace("\\", "/").rsplit("/", 1)[-1])
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C").strip()
    return name[:255] or "file"


# Set while a form's service runs as a dry run (`checking_only`): files are checked, size too,
# and given a row, but nothing is written to disk, so the dry run leaves nothing behind.
_checking_only: ContextVar[bool] = ContextVar("files_checking_only", default=False)


@contextmanager
def checking_only() -> Iterator[None]:
    """Within it, `store` checks a file and gives it a row without writing it: for the dry run
    of a form that uploads (`tracker.web.actions`), whose savepoint is rolled back."""
    reset = _checking_only.set(True)
    try:
        yield
    finally:
        _checking_only.reset(reset)


def _unwritten(actor: User, stream: IO[bytes], head: bytes, name: str, ext: str, field: str,
               limit: int, project_id: int | None) -> StoredFile:
    size = len(head)
    while chunk := stream.read(1024 * 1024):
        size += len(chunk)
    if size > limit:
        raise Invalid(field, _("The file is larger than %(n)d MB.",
                               n=current_app.config["MAX_UPLOAD_MB"]))
    row = StoredFile(storage_name=f"unwritten/{uuid.uuid4().hex}.{ext}", original_name=name,
                     extension=ext, content_type=ALLOWED[ext], size=size, sha256="0" * 64,
                     project_id=project_id, uploaded_by_id=actor.id)
    db.session.add(row)
    db.session.flush()
    return row


def check(stream: IO[bytes], filename: str, field: str = "file") -> None:
    """Refuse (`Invalid` beside `field`) a file `store` would refuse for its type or content,
    storing nothing and leaving the stream where it was: so a request can report what is wrong
    with its files together with its other input."""
    start = stream.tell()
    try:
        _checked(stream, filename, field)
    finally:
        stream.seek(start)


def check_each(uploads: list[tuple[IO[bytes], str]], field: str, problems: Problems) -> None:
    """`check` every upload, adding what is wrong with each to `problems` beside `field`,
    named by its file: a request reports every file's problem with its other input at once."""
    for stream, filename in uploads:
        try:
            check(stream, filename, field)
        except Invalid as invalid:
            for at, message in invalid.problems:
                problems.add(at, labelled(filename, message))


def _checked(stream: IO[bytes], filename: str, field: str) -> tuple[str, str, bytes]:
    """The file's clean name, its extension and its first bytes, once its type is allowed and
    its content is what its name says."""
    name = clean_name(filename or "")
    ext = _extension(name)
    if ext not in ALLOWED:
        raise Invalid(field, _("Files of this type are not accepted. Allowed: %(types)s.",
                               types=listed(sorted(ALLOWED))))
    head = stream.read(HEAD_BYTES)
    if ext in ("heic", "heif"):
        detected = ext if _is_heif(head) else None
    else:
        kind = filetype.guess(head)
        detected = ALIASES.get(kind.extension, kind.extension) if kind else None
    if detected != ext:
        raise Invalid(field, _("The content of this file is not a %(ext)s file, whatever its "
                               "name says.", ext=ext.upper()))
    return name, ext, head


def store(actor: User, stream: IO[bytes], filename: str, field: str = "file",
          project_id: int | None = None) -> StoredFile:
    """Check and keep one uploaded file; returns its row (added to the session, flushed).

    Refused with `Invalid(field, ...)` when too large, of a type not allowed, or when the
    content does not match the name. If the transaction later rolls back, the file is removed.
    """
    name, ext, head = _checked(stream, filename, field)
    limit = current_app.config["MAX_UPLOAD_MB"] * 1024 * 1024
    if _checking_only.get():
        return _unwritten(actor, stream, head, name, ext, field, limit, project_id)
    storage_name = f"{uuid.uuid4().hex[:2]}/{uuid.uuid4().hex}.{ext}"
    digest = hashlib.sha256()
    size = 0
    # Checked and counted as it arrives, then kept whole or not at all (`storage.put`); held in
    # memory up to a few MB, in a temporary file beyond.
    with tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024) as received:
        chunk = head
        while chunk:
            size += len(chunk)
            if size > limit:
                raise Invalid(field, _("The file is larger than %(n)d MB.",
                                       n=current_app.config["MAX_UPLOAD_MB"]))
            digest.update(chunk)
            received.write(chunk)
            chunk = stream.read(1024 * 1024)
        received.seek(0)
        kept = storage()
        kept.put(storage_name, received)
    _remove_on_rollback(kept, storage_name)
    row = StoredFile(storage_name=storage_name, original_name=name, extension=ext,
                     content_type=ALLOWED[ext], size=size, sha256=digest.hexdigest(),
                     project_id=project_id, uploaded_by_id=actor.id)
    db.session.add(row)
    db.session.flush()
    return row


def missing(sample: int = 5) -> tuple[int, list[int]]:
    """How many stored files have a row but nothing in the storage, and the ids of the first
    few: after a backup restored without its upload folder, or a shared folder not mounted.
    One query and one listing of the storage."""
    held = set(storage().names())
    absent = [file_id for file_id, name in db.session.execute(
        select(StoredFile.id, StoredFile.storage_name).order_by(StoredFile.id))
        if name not in held]
    return len(absent), absent[:sample]


# Files written during a transaction are removed if it rolls back: nothing half-stored.

def _remove_on_rollback(kept: Storage, name: str) -> None:
    db.session().info.setdefault("written_files", []).append((kept, name))


def remove(stored: StoredFile) -> None:
    """Delete `stored`'s row now and its file once the transaction commits (kept if it rolls
    back, as the row is)."""
    db.session().info.setdefault("removed_files", []).append((storage(), stored.storage_name))
    db.session.delete(stored)


@event.listens_for(Session, "after_commit")
def _forget_written(session: Session) -> None:
    session.info.pop("written_files", None)
    for kept, name in session.info.pop("removed_files", []):
        kept.delete(name)


@event.listens_for(Session, "after_soft_rollback")
def _delete_written(session: Session, previous_transaction: Any) -> None:
    if previous_transaction.parent is None:  # the whole unit of work, not a savepoint
        for kept, name in session.info.pop("written_files", []):
            kept.delete(name)
        session.info.pop("removed_files", None)
