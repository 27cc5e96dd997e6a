"""imported decisions: a gate decision taken before the tracker and brought in by an import names
that import (its decider is the HQ admin who imported it)

Revision ID: 0017
Revises: 0016
Create Date: 2026-11-26 00:23:27.005946
"""

from alembic import op
import sqlalchemy as sa
import tracker.db


revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('gate_decisions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('imported_in_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_gate_decisions_imported_in_id_import_runs'), 'import_runs', ['imported_in_id'], ['id'])


def downgrade() -> None:
    with op.batch_alter_table('gate_decisions', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_gate_decisions_imported_in_id_import_runs'), type_='foreignkey')
        batch_op.drop_column('imported_in_id')

