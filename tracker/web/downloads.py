"""Sending a stored file to a viewer the view has already let see it."""

from __future__ import annotations

from pathlib import Path
from typing import IO

from flask import current_app, send_file
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from tracker.files.models import StoredFile
from tracker.files.storage import FolderStorage, storage
from tracker.web.errors import render_error


def send(stored: StoredFile) -> Response | tuple[str, int]:
    """`stored` as a download, for a viewer already allowed to see it. Listed but not in the
    storage (a backup restored without its files, a shared folder not mounted): said as it is,
    never as "not yours to see"; /healthz counts these."""
    kept = storage()
    try:
        if isinstance(kept, FolderStorage):
            source: Path | IO[bytes] = kept.path(stored.storage_name)
            if not source.is_file():
                raise FileNotFoundError(stored.storage_name)
        else:
            source = kept.open(stored.storage_name)
    except FileNotFoundError:
        current_app.logger.warning("stored file %d is missing from %s", stored.id, kept.where())
        return render_error(404, explanation=_(
            "This file is listed, but it is missing from the server's storage (perhaps a "
            "backup was restored without its files). Tell HQ: they can restore it."))
    response = send_file(source, mimetype=stored.content_type, as_attachment=True,
                         download_name=stored.original_name, max_age=0)
    if not isinstance(source, Path):
        response.content_length = stored.size
    return response
