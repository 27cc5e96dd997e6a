"""WeCom application messages: a fourth way out (channel 'wecom_app') and each user's WeCom ID

Revision ID: 0042
Revises: 0041
Create Date: 2026-11-26 09:30:00

The three channel columns (the outbox's, a user's, a rule's) take 'wecom_app', nine letters:
their CHECK constraints and lengths change. `notification_settings.wecom_user` keeps the
user's account ID in the organisation's WeCom (成员账号), the address of an application
message.
"""

import sqlalchemy as sa
from alembic import op

revision = '0042'
down_revision = '0041'
branch_labels = None
depends_on = None

BEFORE = ('email', 'wecom', 'dingtalk', 'in_app')
AFTER = (*BEFORE, 'wecom_app')
# (table, the CHECK constraint's own name under the naming convention)
COLUMNS = (('reminder_outbox', 'outbox_channel'),
           ('notification_settings', 'notification_channel'),
           ('notification_channels', 'notification_rule_channel'))


def _channels(values: tuple[str, ...], length: int, was: int) -> None:
    for table, name in COLUMNS:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(op.f(f'ck_{table}_{name}'), type_='check')
            batch_op.alter_column('channel', type_=sa.String(length),
                                  existing_type=sa.String(was), existing_nullable=False)
            batch_op.create_check_constraint(
                op.f(f'ck_{table}_{name}'),
                sa.text('channel IN (' + ', '.join(f"'{v}'" for v in values) + ')'))


def upgrade() -> None:
    _channels(AFTER, 9, 8)
    with op.batch_alter_table('notification_settings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('wecom_user', sa.String(length=64), nullable=True))


def downgrade() -> None:
    # What went by application message goes by e-mail again; nothing is lost of the outbox.
    for table in ('reminder_outbox', 'notification_settings'):
        op.execute(f"UPDATE {table} SET channel = 'email' WHERE channel = 'wecom_app'")
    op.execute("DELETE FROM notification_channels WHERE channel = 'wecom_app'")
    with op.batch_alter_table('notification_settings', schema=None) as batch_op:
        batch_op.drop_column('wecom_user')
    _channels(BEFORE, 8, 9)
