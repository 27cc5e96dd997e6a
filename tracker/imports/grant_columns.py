"""The columns of the incentive grants import (issue 16, T21): a grant from a company's
incentive pool to a named person, with its exercises and the person's leaving (a module of its
own so that `columns.py` stays readable)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from tracker.imports.column_types import DATE_NOTE, Column, Kind
from tracker.incentives.models import GrantKind

INCENTIVE_GRANTS = Kind("incentive_grants", _l("Incentive grants"), (
    Column("company", _l("Company"), True,
           note=_l("Its unified social credit code, or its name while it has none (import "
                   "companies first).")),
    Column("person", _l("Person"), True,
           note=_l("A user's e-mail (they see the grant on their home page), or the name of "
                   "someone without an account.")),
    Column("kind", _l("Kind of grant"), True, choices=GrantKind),
    Column("shares", _l("Number granted (shares or options)"), True),
    Column("exercise_price", _l("Exercise price per share (options) (CNY)"),
           aliases=(_l("Exercise price per share (CNY, options)"),)),
    Column("pool", _l("From the pool"),
           note=_l("The incentive pool's name on the cap table; empty: the company's only "
                   "pool.")),
    Column("granted_on", _l("Granted on"), True, note=DATE_NOTE, is_date=True),
    Column("vesting_start", _l("Vesting starts on"), True, note=DATE_NOTE, is_date=True),
    Column("vesting_months", _l("Vesting period (months)"), note=_l("Empty: 48.")),
    Column("cliff_months", _l("Cliff (months)"), note=_l("Empty: 12.")),
    Column("lock_up_until", _l("Locked up until"), note=DATE_NOTE, is_date=True),
    Column("exercise_window_days", _l("Exercise window after leaving (days, options)"),
           note=_l("Empty: the setting's window.")),
    Column("note", _l("Note")),
    Column("exercises", _l("Exercises"),
           note=_l("Options exercised: date | number, separated by semicolons, e.g. "
                   "2025-03-01 | 20000; 2025-09-01 | 10000. Each moves the shares from the "
                   "pool to the person. One reversed on the grant's page: reversal | 1 | "
                   "2025-03-05 | typed twice (its number in this cell), after it.")),
    Column("leaving", _l("Leaving"),
           note=_l("Date left | reason, e.g. 2026-01-31 | moved to a university: what was "
                   "unvested returns to the pool; recorded after the exercises. The leaving "
                   "reversed: reversal | 1 | 2026-02-10 | did not leave, after which it may "
                   "be written again. After it, in the order recorded, what took shares from "
                   "the pool after this grant: a reversal of shares the pool was given (or of "
                   "a round it invested in): reversal | issue 2 | 2026-03-01 | never paid "
                   "(issue, transfer, holding or round and the entry's number in that cell of "
                   "the companies file); a transfer out of the pool, written as in the "
                   "companies file's transfers after transfer |: transfer | Incentive pool | "
                   "Fund Z | investor | 100000 | 2026-03-01.")),
), key=("company", "person", "kind", "granted_on"))
