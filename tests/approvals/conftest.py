"""The reminder tests' SMTP server, for the reminder of a signature waiting."""

from tests.reminders.conftest import smtp, smtp_server  # noqa: F401
