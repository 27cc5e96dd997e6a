"""Projects. `drafts` numbers every new draft, whoever makes it: imported with the package."""

from tracker.projects import drafts  # noqa: F401
