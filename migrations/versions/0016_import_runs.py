"""import runs: one row per spreadsheet import (kind, file, who, state, counts, errors); the
audit records an import writes name its id

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-25 23:56:01.234469
"""

from alembic import op
import sqlalchemy as sa
import tracker.db


revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('import_runs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('dry_run', sa.Boolean(), nullable=False),
    sa.Column('state', sa.Enum('running', 'done', 'checked', 'failed', 'cancelled', name='import_state', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('total_rows', sa.Integer(), nullable=False),
    sa.Column('done_rows', sa.Integer(), nullable=False),
    sa.Column('created', sa.Integer(), nullable=False),
    sa.Column('updated', sa.Integer(), nullable=False),
    sa.Column('unchanged', sa.Integer(), nullable=False),
    sa.Column('errors', sa.JSON(), nullable=False),
    sa.Column('changes', sa.JSON(), nullable=False),
    sa.Column('started_at', tracker.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('finished_at', tracker.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_import_runs_actor_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_import_runs'))
    )


def downgrade() -> None:
    op.drop_table('import_runs')
