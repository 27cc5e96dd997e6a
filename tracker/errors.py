"""What a service raises when it refuses, and how the web layer answers each.

Services never return error codes: they raise one of these with a message in the user's
language. Views (and `tracker.web.errors`) turn them into 403, 404, 409 or a field error.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar


class DomainError(Exception):
    status = 400

    def __init__(self, message: str = "", back: str | None = None,
                 undo: Iterable[tuple[str, str]] | Callable[[], Iterable[tuple[str, str]]] = (),
                 ) -> None:
        super().__init__(message)
        self.message = message
        # The page of the object refused, for its error page to link to when the request
        # itself does not lead there (a form opened from a bookmark, without a referrer).
        self.back = back
        self._undo = undo if callable(undo) else tuple(undo)

    @property
    def undo(self) -> tuple[tuple[str, str], ...]:
        """What to undo first, each (address, what the link says), when the refusal names it:
        the error page and the form refused links to every one, under its own words, never as
        "the page you came from" (it linked the first of several payments to reverse only).
        Given as a function, its addresses are built when the refusal is shown: a service may
        refuse where no request builds them (a test, the command line)."""
        return tuple(self._undo()) if callable(self._undo) else self._undo


class Forbidden(DomainError):
    """The actor may not do this at all."""

    status = 403


class NotFound(DomainError):
    """The object does not exist, or the actor may not know it does."""

    status = 404


class Refused(DomainError):
    """A rule of the domain forbids this change now (a guard, a stale state, a conflict)."""

    status = 409


def require(may: bool, refusal: Callable[[], str | None], forbidden: str = "", *,
            lock: Callable[[], object] | None = None) -> None:
    """Who, then when, in that order: `Forbidden` (403, saying `forbidden` when given) unless
    `may` (the model's `can_<verb>(user)`), then `Refused` (409) with the sentence of `refusal`
    (the action's `*_refusal`, asked only of who may act) when the record's state refuses it
    now. Someone who may not act hears nothing of the record's state. A service that writes
    under a lock gives it (`lock`, e.g. `tracker.db.lock`): taken between the two, so that
    the state is read under it (of two requests at once, the second waits, then reads what
    the first one did), and only for who may act."""
    if not may:
        raise Forbidden(forbidden)
    if lock is not None:
        lock()
    if (said := refusal()) is not None:
        raise Refused(said)


class Invalid(DomainError):
    """Input a form could not check alone (uniqueness, cross-field rules): shown beside `field`.
    `problems` is every (field, message) found, this one first (`Problems` collects them)."""

    status = 400

    def __init__(self, field: str, message: str,
                 more: list[tuple[str, str]] | tuple[()] = ()) -> None:
        super().__init__(message)
        self.field = field
        self.problems = [(field, message), *more]

    def renamed(self, field_of, prefix=None) -> list[tuple[str, str]]:
        """Every problem, under the field `field_of(field)` gives (an import's column for a
        form's field), its message introduced by `prefix(message)` when given."""
        return [(field_of(field), prefix(message) if prefix else message)
                for field, message in self.problems]

    def each(self) -> list[Invalid]:
        """One `Invalid` per problem, to be shown beside its field."""
        return [Invalid(field, message) for field, message in self.problems]


# The field of whom a service acts as, when its input names them rather than they act
# themselves: an import row's project manager or committee member (`Problems.who`). The import
# says its problem beside the column naming them (`tracker.imports.adapters.Adapter.acts_as`).
ACTS_AS = "acts_as"


class Problems:
    """A service's checks, collected so that a form reports them all in one answer: each check
    `add`s what is wrong beside its field and the service carries on; `raise_any` then raises
    one `Invalid` with them all. A check that needs a sound field skips when `field in problems`.
    """

    def __init__(self) -> None:
        self.found: list[tuple[str, str]] = []
        opened = _OPENED.get()
        if opened is not None:
            opened.append(self)

    def add(self, field: str, message: str) -> None:
        self.found.append((field, message))

    def who(self, may: bool, forbidden: str, named: bool) -> None:
        """Who may act, asked first, as `require` asks it: `Forbidden` (403, saying
        `forbidden`) unless `may`. But where the input names whom the service acts as
        (`named`: an import row's project manager, its committee member, who are data there,
        not the user importing), their want of the role is one problem among the input's
        others, of the field `ACTS_AS`, and the checks go on: the row is told all of them at
        once, not that alone (issue 13)."""
        if may:
            return
        if not named:
            raise Forbidden(forbidden)
        self.add(ACTS_AS, forbidden)

    def __contains__(self, field: str) -> bool:
        return any(found == field for found, _message in self.found)

    def __bool__(self) -> bool:
        return bool(self.found)

    def collect(self, check, *args, **kwargs):
        """Run `check`, adding each problem of the `Invalid` it raises instead of raising it;
        returns what it returns (None when it refused)."""
        try:
            return check(*args, **kwargs)
        except Invalid as invalid:
            self.found.extend(invalid.problems)
            return None

    def raise_any(self) -> None:
        if self.found:
            (field, message), *more = self.found
            raise Invalid(field, message, more)


def in_row(rows: str, row: int | None, column: str) -> str:
    """The field of `column` in row `row` of the form's list of rows `rows`, as WTForms names
    it (``conditions-2-due_date``), so that a service's problem with one row is shown beside
    that row's field and its summary entry links there; the list itself when the row is
    unknown (an import names no form row)."""
    return rows if row is None else f"{rows}-{row}-{column}"


# The `Problems` opened during a dry run on incomplete input (`found_until_stopped`), or None.
_OPENED: ContextVar[list[Problems] | None] = ContextVar("problems_opened", default=None)


@contextmanager
def found_until_stopped() -> Iterator[list[tuple[str, str]]]:
    """A dry run of a service on what a form or an import row could read: a field it could not
    read reaches the service as None, and a check comparing it stops the service (a
    `TypeError`) before it raises what its checks had found. Whatever the body raises, the
    list yielded holds, once the body is left, every problem the `Problems` opened meanwhile
    had found, in order and once each, so that the cross-field rules whose own fields were
    sound are still said in the same answer as the fields' errors."""
    token = _OPENED.set([])
    found: list[tuple[str, str]] = []
    try:
        yield found
    finally:
        opened = _OPENED.get() or []
        _OPENED.reset(token)
        found.extend(dict.fromkeys(p for problems in opened for p in problems.found))
