"""A list cell's entries (a cap table's holders, a contract's instalments, a project's budget
lines) read one by one, every entry read whatever the ones before it were: the entries a cell
refuses are said at once, as a form says every row of its list that is wrong, not the first
one alone (issue 13: a cap table of two bad holders was told the first, and the second only
once it was fixed).

    refused = BadEntries()
    for n, part in enumerate(cells.parts(text), start=1):
        with refused.entry(n):
            found.append(read(part))
    refused.raise_any("holdings")

Each problem is said once, with the places of the entries it is of ("Entries 2 and 4: Write
each holder as ..."); a cell with one entry refused says its problem alone, as before.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from flask_babel import ngettext

from tracker.display import said
from tracker.imports.cells import CellError

T = TypeVar("T")


class BadEntries:
    """The problems of a list cell's entries, by entry, in the cell's order."""

    def __init__(self) -> None:
        self.found: list[tuple[int, CellError]] = []

    @contextmanager
    def entry(self, n: int) -> Iterator[None]:
        """Reading the cell's entry `n` (from 1): a `CellError` is kept, not raised, and the
        next entry is read."""
        try:
            yield
        except CellError as error:
            self.found.append((n, error))

    def __bool__(self) -> bool:
        return bool(self.found)

    def raise_any(self, column: str = "") -> None:
        """One `CellError` saying every entry refused, beside the column the first one's
        names (by default `column`)."""
        if not self.found:
            return
        column = self.found[0][1].column or column
        if len(self.found) == 1:
            raise CellError(str(self.found[0][1]), column)
        places: dict[str, list[int]] = {}
        for n, error in self.found:
            places.setdefault(str(error), []).append(n)
        raise CellError(said.joined(" ", [
            ngettext("Entry %(entries)s: %(problem)s", "Entries %(entries)s: %(problem)s",
                     len(numbers), entries=said.listed(str(n) for n in numbers),
                     problem=message)
            for message, numbers in places.items()]), column)


def each(parts: Iterable[str], read: Callable[[str], T], column: str) -> list[T]:
    """`read` of each of a cell's entries (`cells.parts`), every one refused said at once."""
    refused, found = BadEntries(), []
    for n, part in enumerate(parts, start=1):
        with refused.entry(n):
            found.append(read(part))
    refused.raise_any(column)
    return found
