"""research contracts get their number (合同编号), the natural key an import finds them by

Revision ID: 0023
Revises: 0022
Create Date: 2026-11-26 02:40:00

Unique per institute: the contract's institute is its project's, so the rule is kept by
`tracker.contracts.services.record_contract`; the index serves that check and the import's
look-up by number (`tracker.imports.contracts`). Contracts recorded before have no number.
"""

from alembic import op
import sqlalchemy as sa


revision = '0023'
down_revision = '0022'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('research_contracts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('number', sa.String(length=60), nullable=True))
        # A contract found by its number: the number an institute has used
        # (contracts.services: number = :n), the contracts import's natural key.
        batch_op.create_index(batch_op.f('ix_research_contracts_number'), ['number'],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table('research_contracts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_research_contracts_number'))
        batch_op.drop_column('number')
