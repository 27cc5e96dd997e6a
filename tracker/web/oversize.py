"""What a form too large to take still says: the text its user typed above the files.

A request larger than MAX_CONTENT_LENGTH is refused before Werkzeug reads it (413). A phone's
progress post that carried too many photos would then lose the note and the percentage typed
with them. A browser sends a form's fields in the order of the page, so the text fields above
the file field arrive first: `typed_fields` reads the body only that far, never a byte of a
file into memory, and gives them back to refill the form beside the message.

The rest of the body is read and thrown away (up to DRAIN_LIMIT_MB) before answering: a server
that answers and closes while the browser is still sending may make it show a reset connection
instead of the page (tests/browser/test_phone_progress.py sends 66 MB and sees the page).
"""

from __future__ import annotations

from werkzeug.datastructures import MultiDict
from werkzeug.http import parse_options_header
from werkzeug.sansio.multipart import Data, Epilogue, Field, File, MultipartDecoder, NeedData

CHUNK = 64 * 1024
# The text of a form: what may be read of a refused body before its first file.
FIELDS_LIMIT = 1024 * 1024
# How much of a refused body is read to let the browser finish sending and see the answer;
# beyond it the connection is closed unread (a body that size is not a phone's photos).
DRAIN_LIMIT_MB = 512


def typed_fields(environ: dict) -> MultiDict:
    """The fields of a multipart/form-data request that come before its first file, read from
    its body; empty when the request is not such a form or has no length."""
    mimetype, options = parse_options_header(environ.get("CONTENT_TYPE", ""))
    try:
        remaining = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return MultiDict()
    if mimetype != "multipart/form-data" or "boundary" not in options or remaining <= 0:
        return MultiDict()
    stream = environ["wsgi.input"]
    decoder = MultipartDecoder(options["boundary"].encode("latin-1"),
                               max_form_memory_size=FIELDS_LIMIT)
    fields: MultiDict = MultiDict()
    name, parts, read = None, [], 0
    done = False
    while not done and remaining > 0 and read < FIELDS_LIMIT:
        chunk = stream.read(min(CHUNK, remaining))
        if not chunk:
            break
        remaining -= len(chunk)
        read += len(chunk)
        decoder.receive_data(chunk)
        event = decoder.next_event()
        while not isinstance(event, NeedData):
            if isinstance(event, (File, Epilogue)):
                done = True
                break
            if isinstance(event, Field):
                name, parts = event.name, []
            elif isinstance(event, Data) and name is not None:
                parts.append(event.data)
                if not event.more_data:
                    fields.add(name, b"".join(parts).decode("utf-8", "replace"))
                    name = None
            event = decoder.next_event()
    _drain(stream, remaining)
    return fields


def drain(environ: dict) -> None:
    """Read and drop the body of a request refused unread (413), up to DRAIN_LIMIT_MB: a server
    that answers and closes with the body unread resets the connection, which a browser shows
    instead of the page and nginx answers with its own 502 (tests/ops/test_production_walk.py)."""
    try:
        remaining = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return
    _drain(environ["wsgi.input"], remaining)


def _drain(stream, remaining: int) -> None:
    if remaining > DRAIN_LIMIT_MB * 1024 * 1024:
        return
    while remaining > 0:
        chunk = stream.read(min(CHUNK, remaining))
        if not chunk:
            return
        remaining -= len(chunk)
