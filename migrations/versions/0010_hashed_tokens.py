"""sessions of their own, found by the hash of the cookie's token; calendar-feed tokens kept
as hashes

users.session_token (one token a user, kept in clear) becomes user_sessions (one row a browser,
SHA-256 of its token). Every session open before the upgrade ends: its token was never hashed.
Feed addresses keep working: each stored token is replaced by its hash.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-25 22:00:00
"""

import hashlib
import secrets

from alembic import op
import sqlalchemy as sa
import tracker.db


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def _sha256(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def upgrade() -> None:
    op.create_table('user_sessions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', tracker.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_seen_at', tracker.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_user_sessions_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_user_sessions')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_user_sessions_token_hash'))
    )
    with op.batch_alter_table('user_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_user_sessions_user_id'), ['user_id'], unique=False)
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint('uq_users_session_token', type_='unique')
        batch_op.drop_column('session_token')

    with op.batch_alter_table('reminder_preferences', schema=None) as batch_op:
        batch_op.add_column(sa.Column('feed_token_hash', sa.String(length=64), nullable=True))
    prefs = sa.table('reminder_preferences', sa.column('user_id', sa.Integer),
                     sa.column('feed_token', sa.String), sa.column('feed_token_hash', sa.String))
    conn = op.get_bind()
    for user_id, token in conn.execute(sa.select(prefs.c.user_id, prefs.c.feed_token)
                                       .where(prefs.c.feed_token.is_not(None))).all():
        conn.execute(prefs.update().where(prefs.c.user_id == user_id)
                     .values(feed_token_hash=_sha256(token)))
    with op.batch_alter_table('reminder_preferences', schema=None) as batch_op:
        batch_op.drop_constraint('uq_reminder_preferences_feed_token', type_='unique')
        batch_op.drop_column('feed_token')
        batch_op.create_unique_constraint(batch_op.f('uq_reminder_preferences_feed_token_hash'),
                                          ['feed_token_hash'])


def downgrade() -> None:
    # A hash gives no token back: feeds are turned off (their owners make new addresses).
    with op.batch_alter_table('reminder_preferences', schema=None) as batch_op:
        batch_op.add_column(sa.Column('feed_token', sa.String(length=64), nullable=True))
        batch_op.drop_constraint('uq_reminder_preferences_feed_token_hash', type_='unique')
        batch_op.drop_column('feed_token_hash')
    op.execute("UPDATE reminder_preferences SET feed_token_created_at = NULL")
    with op.batch_alter_table('reminder_preferences', schema=None) as batch_op:
        batch_op.create_unique_constraint('uq_reminder_preferences_feed_token', ['feed_token'])

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_token', sa.String(length=64), nullable=True))
    users = sa.table('users', sa.column('id', sa.Integer), sa.column('session_token', sa.String))
    conn = op.get_bind()
    for (user_id,) in conn.execute(sa.select(users.c.id)).all():
        conn.execute(users.update().where(users.c.id == user_id)
                     .values(session_token=secrets.token_urlsafe(32)))
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.alter_column('session_token', existing_type=sa.String(length=64), nullable=False)
        batch_op.create_unique_constraint('uq_users_session_token', ['session_token'])
    with op.batch_alter_table('user_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_user_sessions_user_id'))
    op.drop_table('user_sessions')
