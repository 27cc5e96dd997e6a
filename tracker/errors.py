"""What a service raises when it refuses, and how the web layer answers each.

Services never return error codes: they raise one of these with a message in the user's
language. Views (and `tracker.web.errors`) turn them into 403, 404, 409 or a field error.
"""

from __future__ import annotations


class DomainError(Exception):
    status = 400

    def __init__(self, message: str = "") -> None:
        super().__init__(message)
        self.message = message


class Forbidden(DomainError):
    """The actor may not do this at all."""

    status = 403


class NotFound(DomainError):
    """The object does not exist, or the actor may not know it does."""

    status = 404


class Refused(DomainError):
    """A rule of the domain forbids this change now (a guard, a stale state, a conflict)."""

    status = 409


class Invalid(DomainError):
    """Input a form could not check alone (uniqueness, cross-field rules): shown beside `field`."""

    status = 400

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
