"""event notifications: events in the outbox (kind, channel, read), each user's channels and digest

Revision ID: 0035
Revises: 0034
Create Date: 2026-11-26 06:10:00

The outbox gets the events beside the reminders (`kind`), the channel each message goes by
(every row so far went by e-mail) and when an event was read on the notifications page, with a
partial index of the unread events for the bell. `notification_settings` keeps a user's
channel, robots' webhooks (encrypted) and digest choice; `notification_channels` the rules
they send elsewhere.
"""

import sqlalchemy as sa
from alembic import op

import tracker.crypto
import tracker.db

revision = '0035'
down_revision = '0034'
branch_labels = None
depends_on = None

CHANNELS = "'email', 'wecom', 'dingtalk', 'in_app'"
UNREAD = sa.text("kind = 'event' AND read_at IS NULL")


def upgrade() -> None:
    with op.batch_alter_table('reminder_outbox', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.Enum('reminder', 'event', name='outbox_kind',
                                                      native_enum=False, create_constraint=True,
                                                      length=8),
                                      server_default='reminder', nullable=False))
        batch_op.add_column(sa.Column('channel', sa.Enum('email', 'wecom', 'dingtalk', 'in_app',
                                                         name='outbox_channel', native_enum=False,
                                                         create_constraint=True, length=8),
                                      server_default='email', nullable=False))
        batch_op.add_column(sa.Column('read_at', tracker.db.UTCDateTime(timezone=True),
                                      nullable=True))
        # The bell's count and the notifications list: a person's unread notifications
        # (notifications.unread: recipient_id = :me AND kind = 'event' AND read_at IS NULL).
        batch_op.create_index('ix_reminder_outbox_unread', ['recipient_id'], unique=False,
                              sqlite_where=UNREAD, postgresql_where=UNREAD)

    op.create_table(
        'notification_settings',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('channel', sa.Enum('email', 'wecom', 'dingtalk', 'in_app',
                                     name='notification_channel', native_enum=False,
                                     create_constraint=True, length=8), nullable=False),
        sa.Column('digest', sa.Boolean(), nullable=False),
        sa.Column('digest_at', sa.Time(), nullable=False),
        sa.Column('time_zone', sa.String(length=50), nullable=True),
        sa.Column('wecom_webhook', tracker.crypto.LongEncrypted(length=600), nullable=True),
        sa.Column('dingtalk_webhook', tracker.crypto.LongEncrypted(length=600), nullable=True),
        sa.Column('dingtalk_secret', tracker.crypto.LongEncrypted(length=600), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'],
                                name=op.f('fk_notification_settings_user_id_users'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_notification_settings')),
        sa.UniqueConstraint('user_id', name=op.f('uq_notification_settings_user_id')),
    )
    op.create_table(
        'notification_channels',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('rule', sa.String(length=40), nullable=False),
        sa.Column('channel', sa.Enum('email', 'wecom', 'dingtalk', 'in_app',
                                     name='notification_rule_channel', native_enum=False,
                                     create_constraint=True, length=8), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'],
                                name=op.f('fk_notification_channels_user_id_users'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_notification_channels')),
        sa.UniqueConstraint('user_id', 'rule',
                            name=op.f('uq_notification_channels_user_id_rule')),
    )


def downgrade() -> None:
    op.drop_table('notification_channels')
    op.drop_table('notification_settings')
    op.execute("DELETE FROM reminder_outbox WHERE kind = 'event'")
    # Before the batch: SQLite's copy of the table would rebuild the index on the columns
    # it drops.
    op.drop_index('ix_reminder_outbox_unread', table_name='reminder_outbox')
    with op.batch_alter_table('reminder_outbox', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_reminder_outbox_outbox_channel'), type_='check')
        batch_op.drop_constraint(op.f('ck_reminder_outbox_outbox_kind'), type_='check')
        batch_op.drop_column('read_at')
        batch_op.drop_column('channel')
        batch_op.drop_column('kind')
