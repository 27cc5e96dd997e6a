"""A reminder e-mail as the bytes SMTP carries: headers, then the plain text and the HTML as
two base64 parts of a multipart/alternative, written out directly.

The standard library's `email` package builds the same message several times slower: its
generator folds every header again through `Header`, which for a UTF-8 subject measures
quoted-printable and base64 encodings of each candidate line to choose the shorter, and it
searches the whole text for the boundary. At a thousand e-mails a run that was most of a
digest's cost. Here the subject is encoded once (RFC 2047, base64, whole characters per
encoded word) and the bodies by `base64.encodebytes`. `tests/reminders/test_wire.py` checks
that `email`'s parser reads back what was written.
"""

from __future__ import annotations

import base64
import itertools
import secrets

CRLF = b"\r\n"
# A boundary of our own, unique within the process: both parts are base64, whose lines never
# hold "_", so "=_" cannot occur in them. No random bytes per message (a system call).
_PREFIX = secrets.token_hex(8)
_COUNTER = itertools.count()
# An encoded word is at most 75 characters (RFC 2047): "=?utf-8?b?" and "?=" around the
# base64 of at most 42 bytes (56 characters) keeps "Subject: " and the first word within 78.
_WORD_BYTES = 42


def boundary() -> str:
    return f"=_{_PREFIX}{next(_COUNTER):08x}"


def encoded_words(text: str) -> str:
    """`text` as RFC 2047 encoded words (UTF-8, base64), folded one word a line; ASCII text
    that needs no folding (no line break, no "=?", well within a line's 998) as it is."""
    if (text.isascii() and len(text) <= 900 and "\n" not in text and "\r" not in text
            and "=?" not in text):
        return text
    words, chunk, size = [], [], 0
    for char in text:
        length = len(char.encode())
        if size + length > _WORD_BYTES and chunk:
            words.append("".join(chunk))
            chunk, size = [], 0
        chunk.append(char)
        size += length
    if chunk:
        words.append("".join(chunk))
    return "\r\n ".join(
        f"=?utf-8?b?{base64.b64encode(word.encode()).decode('ascii')}?=" for word in words)


def _part(content_type: str, body: str) -> bytes:
    return (f'Content-Type: {content_type}; charset="utf-8"\r\nMIME-Version: 1.0\r\n'
            "Content-Transfer-Encoding: base64\r\n\r\n").encode("ascii") + base64.encodebytes(
                body.encode()).replace(b"\n", CRLF)


def message(headers: list[tuple[str, str]], text: str, html: str) -> bytes:
    """The e-mail: `headers` (names and values already ASCII: encode non-ASCII values with
    `encoded_words`), then `text` and `html` as alternatives."""
    mark = boundary()
    head = [f'Content-Type: multipart/alternative; boundary="{mark}"', "MIME-Version: 1.0"]
    head += [f"{name}: {value}" for name, value in headers]
    delimiter = f"--{mark}\r\n".encode("ascii")
    return b"".join((
        "\r\n".join(head).encode("ascii"), CRLF, CRLF,
        delimiter, _part("text/plain", text), CRLF,
        delimiter, _part("text/html", html), CRLF,
        f"--{mark}--\r\n".encode("ascii")))
