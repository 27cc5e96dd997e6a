"""agreements with partners

Revision ID: 0063
Revises: 0062
Create Date: 2026-11-26 19:20:00

Issue 15, point 3: the agreements HQ signs with a partner (cooperation, co-building,
co-funding, investment, credit, other), each with its dates and its signed document
(tracker/files), when uploaded.
"""

import sqlalchemy as sa
from alembic import op

import tracker.db

revision = '0063'
down_revision = '0062'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'partner_agreements',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('partner_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('cooperation', 'co_building', 'co_funding', 'investment', 'credit', 'other', name='partner_agreement_kind', native_enum=False, create_constraint=True, length=11), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('signed_on', sa.Date(), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=True),
    sa.Column('ends_on', sa.Date(), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('file_id', sa.Integer(), nullable=True),
    sa.Column('recorded_by_id', sa.Integer(), nullable=False),
    sa.Column('recorded_at', tracker.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.CheckConstraint('ends_on IS NULL OR starts_on IS NULL OR ends_on >= starts_on', name=op.f('ck_partner_agreements_term_in_order')),
    sa.ForeignKeyConstraint(['file_id'], ['stored_files.id'], name=op.f('fk_partner_agreements_file_id_stored_files')),
    sa.ForeignKeyConstraint(['partner_id'], ['partners.id'], name=op.f('fk_partner_agreements_partner_id_partners')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_partner_agreements_recorded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_partner_agreements'))
    )
    with op.batch_alter_table('partner_agreements', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_partner_agreements_partner_id'), ['partner_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('partner_agreements', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_partner_agreements_partner_id'))

    op.drop_table('partner_agreements')
