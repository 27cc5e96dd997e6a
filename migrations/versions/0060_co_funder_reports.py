"""co-funder reports

Revision ID: 0060
Revises: 0059
Create Date: 2026-11-26 19:15:00

A report owed under an allocation-investment agreement may be asked for by one of its
co-funders (issue 16, point 4): the obligation names the co-funder.
"""

from alembic import op
import sqlalchemy as sa


revision = '0060'
down_revision = '0059'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('report_obligations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('co_funder_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_report_obligations_co_funder_id'), ['co_funder_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_report_obligations_co_funder_id_co_funders'), 'co_funders', ['co_funder_id'], ['id'])
        batch_op.create_check_constraint(batch_op.f('ck_report_obligations_co_funder_of_an_agreement'), 'co_funder_id IS NULL OR funding_agreement_id IS NOT NULL')


def downgrade() -> None:
    with op.batch_alter_table('report_obligations', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_report_obligations_co_funder_of_an_agreement'), type_='check')
        batch_op.drop_constraint(batch_op.f('fk_report_obligations_co_funder_id_co_funders'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_report_obligations_co_funder_id'))
        batch_op.drop_column('co_funder_id')
