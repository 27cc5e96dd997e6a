"""A file attached to a record by mistake is taken off by the record's correction, with the
reason (issue 9 point 5), never deleted: the one mechanism for every record that holds files.

A record with several files (a progress post, an institute's assessment evidence) links each by
a row of its own that is `Voidable`: the correction withdraws the link (marked when, why and by
whom, shown so beside the record), the file stays stored and downloadable by whoever could
before, and the audit record of the correction names the files added and withdrawn. A record
with one file (a TRL record) holds it in a column: the correction replaces it or takes it off,
and the history shows "Evidence file: old -> new", each a link for a reader who may open it.
Whether the record may still be corrected (frozen once something relied on it) is its own
service's refusal, asked before this.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import IO, TYPE_CHECKING, Any, Protocol

from flask_babel import gettext as _

from tracker import voids
from tracker.errors import Problems
from tracker.files import services as files

if TYPE_CHECKING:
    from tracker.accounts.models import User
    from tracker.files.models import StoredFile


class Link(Protocol):
    """A row attaching one file to a record (`Voidable`)."""

    file_id: int
    file: StoredFile

    @property
    def is_void(self) -> bool: ...


def choices(links: Sequence[Link]) -> list[tuple[int, str]]:
    """What a correction form offers to withdraw: the record's standing files, by name."""
    return [(link.file_id, link.file.original_name) for link in links if not link.is_void]


def chosen(problems: Problems, links: Sequence[Link], file_ids: Sequence[int],
           field: str = "withdrawn_files") -> list[Link]:
    """The standing links of the files `file_ids` names; said beside `field` when one is not
    the record's own standing file (withdrawn already, or another record's)."""
    standing = {link.file_id: link for link in links if not link.is_void}
    if set(file_ids) - set(standing):
        problems.add(field, _("Choose among the record's own files."))
    return [standing[i] for i in dict.fromkeys(file_ids) if i in standing]


def keeps_one(problems: Problems, links: Sequence[Link], taken: Sequence[Link], added: int,
              field: str = "withdrawn_files") -> None:
    """A record that must hold a file (assessment evidence) keeps one: withdrawing its last
    is refused beside `field` unless the correction adds another."""
    if added == 0 and not [link for link in links if not link.is_void and link not in taken]:
        problems.add(field, _("The record keeps at least one file: add the right file to "
                              "withdraw the last wrong one, or withdraw the whole record."))


def withdraw(actor: User, record: Any, taken: Sequence[Link], added: Sequence[StoredFile],
             reason: str, more: dict[str, list[Any]], columns_changed: bool) -> None:
    """Mark `taken` withdrawn with `reason` and say in `more` (the correction's audit record)
    the files added and withdrawn. When only files were withdrawn the record's version moves
    all the same, so a form filled before is refused as stale (409), not saved over this."""
    for link in taken:
        voids.mark(actor, link, reason)
    if added:
        more["files_added"] = [None, [stored.original_name for stored in added]]
    if taken:
        more["files_withdrawn"] = [None, [link.file.original_name for link in taken]]
        if not added and not columns_changed and hasattr(record, "version"):
            record.version = record.version + 1


def replace(actor: User, record: Any, column: str, upload: tuple[IO[bytes], str] | None,
            take_off: bool, field: str, project_id: int | None) -> StoredFile | None:
    """A record's one file (its `column`, a stored file's id) replaced by `upload` (checked
    already: `files.check`), or taken off (`take_off`); the file it held stays stored, its
    project's like every upload. Returns the file stored. Called before the record's other
    columns change: storing flushes, and the correction's audit record reads what is
    pending (the column before and after: the history links both)."""
    if upload is not None:
        stored = files.store(actor, upload[0], upload[1], field, project_id)
        setattr(record, column, stored.id)
        return stored
    if take_off:
        setattr(record, column, None)
    return None
