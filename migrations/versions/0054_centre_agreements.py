"""centre agreements

Revision ID: 0054
Revises: 0053
Create Date: 2026-11-26 15:10:00

A joint innovation centre's agreement (issue 15, point 2): each term with its dates and the
enterprise's funding commitment, a renewal naming the term it renews, and the payments the
enterprise made under a term.
"""

from alembic import op
import sqlalchemy as sa
import tracker.db


revision = '0054'
down_revision = '0053'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('centre_agreements',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('centre_id', sa.Integer(), nullable=False),
    sa.Column('signed_on', sa.Date(), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('committed', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.Column('renews_id', sa.Integer(), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=False),
    sa.Column('recorded_at', tracker.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.CheckConstraint('committed >= 0', name=op.f('ck_centre_agreements_committed_not_negative')),
    sa.CheckConstraint('ends_on > starts_on', name=op.f('ck_centre_agreements_term_in_order')),
    sa.ForeignKeyConstraint(['centre_id'], ['joint_innovation_centres.id'], name=op.f('fk_centre_agreements_centre_id_joint_innovation_centres')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_centre_agreements_recorded_by_id_users')),
    sa.ForeignKeyConstraint(['renews_id'], ['centre_agreements.id'], name=op.f('fk_centre_agreements_renews_id_centre_agreements')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_centre_agreements')),
    sa.UniqueConstraint('renews_id', name=op.f('uq_centre_agreements_renews_id'))
    )
    with op.batch_alter_table('centre_agreements', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_centre_agreements_centre_id'), ['centre_id'], unique=False)
        # The centre_expiry reminder rule (an agreement's ends_on within its window,
        # reminders.items) and the annual report's agreements of a year (ends_on >= 1 January).
        batch_op.create_index(batch_op.f('ix_centre_agreements_ends_on'), ['ends_on'], unique=False)

    op.create_table('centre_payments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('agreement_id', sa.Integer(), nullable=False),
    sa.Column('paid_on', sa.Date(), nullable=False),
    sa.Column('amount', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=False),
    sa.Column('recorded_at', tracker.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('amount > 0', name=op.f('ck_centre_payments_amount_positive')),
    sa.ForeignKeyConstraint(['agreement_id'], ['centre_agreements.id'], name=op.f('fk_centre_payments_agreement_id_centre_agreements'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_centre_payments_recorded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_centre_payments'))
    )
    with op.batch_alter_table('centre_payments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_centre_payments_agreement_id'), ['agreement_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('centre_payments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_centre_payments_agreement_id'))
    op.drop_table('centre_payments')
    with op.batch_alter_table('centre_agreements', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_centre_agreements_ends_on'))
        batch_op.drop_index(batch_op.f('ix_centre_agreements_centre_id'))
    op.drop_table('centre_agreements')
