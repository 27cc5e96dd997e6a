"""the outbox's `sending` state: a message claimed by a sender, handed to the SMTP server next

A sender marks the messages of a batch `sending` and commits before the first goes out, then
records each one's answer and commits; a sender that dies leaves the message in hand (at most
one) `sending`, and the next run sends it again once `next_attempt_at` (the claim's end) has
passed. Only the CHECK constraint of `state` changes.

Revision ID: 0040
Revises: 0039
Create Date: 2026-11-26 09:10:00
"""

from alembic import op

revision = '0040'
down_revision = '0039'
branch_labels = None
depends_on = None

NAME = 'ck_reminder_outbox_reminder_state'


def _states(*names: str) -> str:
    return "state IN (" + ", ".join(f"'{name}'" for name in names) + ")"


def upgrade() -> None:
    with op.batch_alter_table('reminder_outbox', schema=None) as batch_op:
        batch_op.drop_constraint(op.f(NAME), type_='check')
        batch_op.create_check_constraint(
            op.f(NAME), _states('pending', 'sending', 'sent', 'failed', 'cancelled'))


def downgrade() -> None:
    op.execute("UPDATE reminder_outbox SET state = 'pending' WHERE state = 'sending'")
    with op.batch_alter_table('reminder_outbox', schema=None) as batch_op:
        batch_op.drop_constraint(op.f(NAME), type_='check')
        batch_op.create_check_constraint(
            op.f(NAME), _states('pending', 'sent', 'failed', 'cancelled'))
