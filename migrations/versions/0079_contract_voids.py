"""a research contract recorded by mistake is voided, not left counting

Revision ID: 0079
Revises: 0078
Create Date: 2026-11-27 05:40:00

A contract recorded by mistake (the wrong project, entered twice, never signed) is voided with a
reason once nothing stands under it (every payment reversed, no report owed): it stays in the
history, marked, and no longer counts anywhere contracts are summed or reminded of.
"""

import sqlalchemy as sa
from alembic import op

import tracker.db

revision = '0079'
down_revision = '0078'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('research_contracts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('voided_at', tracker.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('void_reason', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('voided_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_research_contracts_voided_by_id_users'),
                                    'users', ['voided_by_id'], ['id'])
        batch_op.create_check_constraint(
            op.f('ck_research_contracts_void_whole'),
            "(voided_at IS NULL AND void_reason IS NULL AND voided_by_id IS NULL) OR "
            "(voided_at IS NOT NULL AND void_reason IS NOT NULL AND voided_by_id IS NOT NULL)")


def downgrade() -> None:
    # The older schema has no place for a void, and dropping one would make a contract
    # recorded by mistake count again: refuse rather than bring the mistake back.
    voided = op.get_bind().scalar(sa.text(
        "SELECT count(*) FROM research_contracts WHERE voided_at IS NOT NULL"))
    if voided:
        raise RuntimeError(f"research_contracts holds {voided} voided contracts, which revision "
                           "0078 cannot represent: downgrade refused")
    with op.batch_alter_table('research_contracts', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_research_contracts_void_whole'), type_='check')
        batch_op.drop_constraint(batch_op.f('fk_research_contracts_voided_by_id_users'),
                                 type_='foreignkey')
        batch_op.drop_column('voided_by_id')
        batch_op.drop_column('void_reason')
        batch_op.drop_column('voided_at')
