"""A list's page answering with a file instead: `?export=csv` or `?export=xlsx` on the list's
own URL, so the file has the page's filters and the viewer's permissions, and nothing else.

The whole filtered list goes into the file, not only the page on screen. Rows are read from the
database in batches (`stream`), the CSV is sent while it is written, and the XLSX is written to
a temporary file (spilling to disk past a few megabytes) and sent from there.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Iterator
from datetime import date
from typing import Any

from flask import Response, request, send_file, stream_with_context
from sqlalchemy import Select

from tracker import db
from tracker.dates import today
from tracker.export.columns import Column
from tracker.export.writers import write_csv, write_xlsx

FORMATS = ("csv", "xlsx")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Rows fetched at a time: one statement (and one per eager-loaded relationship) per batch.
BATCH = 2000
IN_MEMORY = 4 * 1024 * 1024


def requested() -> str | None:
    """The format the request asks for (`?export=csv|xlsx`), or None for the page."""
    wanted = request.args.get("export", "")
    return wanted if wanted in FORMATS else None


def stream(query: Select, scalars: bool = True) -> Iterator[Any]:
    """The rows of `query` in batches of BATCH, never all of them in memory."""
    query = query.execution_options(yield_per=BATCH)
    result = db.session.scalars(query) if scalars else db.session.execute(query)
    yield from result


def send(columns: list[Column], rows: Iterable[Any], name: str, fmt: str,
         title: str = "", on: date | None = None) -> Response:
    """`rows` as a file to download, named `name-YYYY-MM-DD.csv|xlsx` (`name` in ASCII): the
    date the list is as of (`on`: a cap table or a portfolio on a date), else today's; once."""
    filename = f"{name}-{(on or today()).isoformat()}.{fmt}"
    columns = [c for c in columns if c.in_file]
    if fmt == "csv":
        return Response(stream_with_context(write_csv(columns, rows)),
                        mimetype="text/csv",  # Werkzeug adds "; charset=utf-8"
                        headers={"Content-Disposition": f'attachment; filename="{filename}"'})
    out = tempfile.SpooledTemporaryFile(max_size=IN_MEMORY)
    write_xlsx(columns, rows, out, title=title or name)
    out.seek(0)
    return send_file(out, mimetype=XLSX_TYPE, as_attachment=True, download_name=filename)
