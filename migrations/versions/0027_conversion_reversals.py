"""conversions reversed with a date and a reason; round names unique among standing rounds

A conversion recorded by mistake is reversed (the row stays, `conversion_reversals` says when,
why and by whom), so an agreement may hold a reversed conversion beside the one that stands:
`conversions.agreement_id` is no longer unique. A reversed round frees its name: uniqueness of
round names among the rounds that stand is checked by the service under the company's lock.

Revision ID: 0027
Revises: 0026
Create Date: 2026-11-26 03:25:00
"""

from alembic import op
import sqlalchemy as sa
import tracker.db


revision = '0027'
down_revision = '0026'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('conversion_reversals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('conversion_id', sa.Integer(), nullable=False),
    sa.Column('on_date', sa.Date(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=False),
    sa.Column('recorded_at', tracker.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("reason <> ''", name=op.f('ck_conversion_reversals_reason_given')),
    sa.ForeignKeyConstraint(['conversion_id'], ['conversions.id'], name=op.f('fk_conversion_reversals_conversion_id_conversions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_conversion_reversals_recorded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_conversion_reversals')),
    sa.UniqueConstraint('conversion_id', name=op.f('uq_conversion_reversals_conversion_id'))
    )
    with op.batch_alter_table('conversions') as batch:
        batch.drop_constraint(batch.f('uq_conversions_agreement_id'), type_='unique')
        batch.create_index(batch.f('ix_conversions_agreement_id'), ['agreement_id'])
    with op.batch_alter_table('financing_rounds') as batch:
        batch.drop_constraint(batch.f('uq_financing_rounds_company_id_name'), type_='unique')


def downgrade() -> None:
    with op.batch_alter_table('financing_rounds') as batch:
        batch.create_unique_constraint(batch.f('uq_financing_rounds_company_id_name'),
                                       ['company_id', 'name'])
    with op.batch_alter_table('conversions') as batch:
        batch.drop_index(batch.f('ix_conversions_agreement_id'))
        batch.create_unique_constraint(batch.f('uq_conversions_agreement_id'), ['agreement_id'])
    op.drop_table('conversion_reversals')
