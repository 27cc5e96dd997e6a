"""The figures of the annual report (tracker/reports/annual.py): a cell of a year, a figure by
institute and year, a line of the flat report, and the report itself."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from tracker import money

ZERO = Decimal("0")


@dataclass(frozen=True)
class Cell:
    count: int | None = None
    amount: Decimal | None = None
    # An amount a record keeps as 0 for "none" (upfront payments): None reads "—" on the page
    # and is an empty cell in the file, as the list the figure links to shows it.
    stated: bool = False


@dataclass
class Figure:
    key: str
    label: Any  # a lazy string, read in the reader's language
    counts: bool  # whether the figure has a count
    amounts: bool  # whether it has an amount (CNY)
    # institute id (None: belongs to no institute) -> year -> (count, amount)
    values: dict[int | None, dict[int, list]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(lambda: [0, ZERO])))
    by_institute: bool = True  # False: the figure is the network's only (centres)
    stated: bool = False  # its amount is stated (`money.stated_total`): none agreed reads "—"

    def add(self, institute_id: int | None, year: int, count: int | None,
            amount: Decimal | None) -> None:
        cell = self.values[institute_id][int(year)]
        cell[0] += count or 0
        cell[1] += money.cents(Decimal(amount)) if amount is not None else ZERO

    def cell(self, institute_id: int | None, year: int) -> Cell:
        count, amount = self.values.get(institute_id, {}).get(year, [0, ZERO])
        return self._cell(count, amount)

    def total(self, year: int) -> Cell:
        count = sum(v.get(year, [0, ZERO])[0] for v in self.values.values())
        amount = sum((v.get(year, [0, ZERO])[1] for v in self.values.values()), ZERO)
        return self._cell(count, amount)

    def _cell(self, count: int, amount: Decimal) -> Cell:
        if not self.amounts:
            return Cell(count if self.counts else None, None)
        return Cell(count if self.counts else None,
                    money.stated_total(amount, count) if self.stated else amount, self.stated)


@dataclass(frozen=True)
class Row:
    """One line of the flat report: a figure, for one institute or the total."""

    figure: str
    label: Any
    institute_code: str  # "" for the total
    institute_name: str
    previous: Cell
    current: Cell


@dataclass
class AnnualReport:
    year: int
    institutes: list[tuple[int, str, str]]  # (id, code, name) in the report's scope
    figures: list[Figure]
    scope: frozenset[int] | None  # None: the whole network

    @property
    def previous(self) -> int:
        return self.year - 1

    def figure(self, key: str) -> Figure:
        return next(f for f in self.figures if f.key == key)

    def rows(self, with_institutes: bool = True) -> list[Row]:
        found = []
        for f in self.figures:
            found.append(Row(f.key, f.label, "", "", f.total(self.previous), f.total(self.year)))
            if with_institutes and f.by_institute:
                found += [Row(f.key, f.label, code, name, f.cell(i, self.previous),
                              f.cell(i, self.year)) for i, code, name in self.institutes]
        return found
