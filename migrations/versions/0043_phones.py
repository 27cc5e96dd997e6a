"""phone binding and SMS codes; staff numbers

Revision ID: 0043
Revises: 0042
Create Date: 2026-11-26 09:30:00

A user's bound mobile number (E.164, unique), when it was bound and whether a texted code is
their second sign-in step; the staff number single sign-on may match them by (unique); the
verification codes texted (kept as an HMAC, one per person and purpose).
"""

import sqlalchemy as sa
from alembic import op

import tracker.db

revision = '0043'
down_revision = '0042'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('phone', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('phone_bound_at', tracker.db.UTCDateTime(timezone=True),
                                      nullable=True))
        batch_op.add_column(sa.Column('sms_sign_in', sa.Boolean(), server_default=sa.false(),
                                      nullable=False))
        batch_op.add_column(sa.Column('staff_number', sa.String(length=50), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_users_phone'), ['phone'])
        batch_op.create_unique_constraint(batch_op.f('uq_users_staff_number'), ['staff_number'])
    op.create_table(
        'phone_codes',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('purpose', sa.Enum('bind', 'sign_in', 'reset', name='phone_code_purpose',
                                     native_enum=False, create_constraint=True, length=7),
                  nullable=False),
        sa.Column('phone', sa.String(length=20), nullable=False),
        sa.Column('code_hash', sa.String(length=64), nullable=False),
        sa.Column('created_at', tracker.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('expires_at', tracker.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('used_at', tracker.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE',
                                name=op.f('fk_phone_codes_user_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_phone_codes')),
    )
    with op.batch_alter_table('phone_codes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_phone_codes_user_id'), ['user_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('phone_codes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_phone_codes_user_id'))
    op.drop_table('phone_codes')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_users_staff_number'), type_='unique')
        batch_op.drop_constraint(batch_op.f('uq_users_phone'), type_='unique')
        batch_op.drop_column('staff_number')
        batch_op.drop_column('sms_sign_in')
        batch_op.drop_column('phone_bound_at')
        batch_op.drop_column('phone')
