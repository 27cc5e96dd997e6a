"""A cell merged down one column (项目编号 merged over a project's milestones by Excel's
合并后居中, the usual way a hand-made register groups a project's rows) read on every row of its
range, as the user sees it in Excel (issue 13, adoption finding F13): only the range's first
cell holds the value, so each row below it was told "This field is required." beside the code
the user could see.

openpyxl's read-only sheet, which streams a large sheet (`reading`), gives no merged ranges; the
sheet's XML lists them after its rows, so one pass over its text finds them (`down`) before the
rows are read, no XML parsed: 0.26 s for a sheet of 30,000 rows of 8 columns whose reading
takes 5.8 s, 10,000 merges filled in 0.5 s more (measured on the shared machine). A merge across
columns (a note written across the table, a title) is left as written, its first cell alone
filled: read on every column, a note below the table would name a record in each.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from openpyxl.utils import column_index_from_string

_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]+)(\d+):([A-Z]+)(\d+)"')
_CHUNK = 1 << 20


def down(sheet: Any) -> dict[int, list[tuple[int, int]]]:
    """{row: [(column from 0, the first row of its range)]} of every cell below the first of
    a range merged down one column, from row 2 (a merged header is no row)."""
    refs: set[tuple[bytes, ...]] = set()
    tail = b""
    # A read-only sheet's XML, as openpyxl itself opens it to stream the rows.
    with sheet._get_source() as source:  # no public way to a streamed sheet's merges
        while chunk := source.read(_CHUNK):
            text = tail + chunk
            refs.update(match.groups() for match in _MERGE.finditer(text))
            tail = text[-128:]  # a reference cut by the chunk's end is found whole after
    below: dict[int, list[tuple[int, int]]] = {}
    for left, top, right, bottom in refs:
        first, last = int(top), int(bottom)
        if left != right or first < 2 or last <= first:
            continue
        column = column_index_from_string(left.decode()) - 1
        for row in range(first + 1, last + 1):
            below.setdefault(row, []).append((column, first))
    return below


def filled(rows: Iterator[tuple[int, list]],
           below: dict[int, list[tuple[int, int]]]) -> Iterator[tuple[int, list]]:
    """`rows` ((number, cells)) with each cell of `below` holding its range's first value."""
    tops: dict[int, set[int]] = {}
    for spans in below.values():
        for column, first in spans:
            tops.setdefault(first, set()).add(column)
    held: dict[tuple[int, int], Any] = {}
    for number, cells in rows:
        held.update({(number, column): cells[column] for column in tops.get(number, ())
                     if column < len(cells)})
        if number in below:
            width = max(column for column, _first in below[number]) + 1
            cells = [*cells, *[None] * (width - len(cells))]
            for column, first in below[number]:
                cells[column] = held.get((first, column))
        yield number, cells
