"""The reminders' real SMTP server, for the events that go by e-mail."""

from tests.reminders.conftest import smtp, smtp_server  # noqa: F401
