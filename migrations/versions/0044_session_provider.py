"""the identity service a session was opened through

Revision ID: 0044
Revises: 0043
Create Date: 2026-11-26 10:00:00

NULL for a local password; `oidc`, `cas` or `ldap` for single sign-on: the sign-in steps of a
local password (a new password, the app's enrolment) are not asked of a session the
organisation's identity service opened, and its sign-out ends the provider's session too.
"""

import sqlalchemy as sa
from alembic import op

revision = '0044'
down_revision = '0043'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('user_sessions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('provider', sa.Enum('oidc', 'cas', 'ldap',
                                                          name='session_provider',
                                                          native_enum=False,
                                                          create_constraint=True, length=4),
                                      nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('user_sessions', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_user_sessions_session_provider'), type_='check')
        batch_op.drop_column('provider')
