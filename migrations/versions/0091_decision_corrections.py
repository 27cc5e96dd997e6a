"""a decision on a change request or a re-baseline recorded by mistake is corrected

Revision ID: 0091
Revises: 0090
Create Date: 2026-11-27 12:30:00

Issue 9 point 5: HQ's approval or refusal of a change request (or the director's, of a
handover) and of a re-baseline had no correction. A correction is a row of its own, beside the
decision it supersedes (`change_corrections`, `rebaseline_corrections`: what stands now, the
reason, who and when); the request and the re-baseline keep the decision they recorded.
"""

import sqlalchemy as sa
from alembic import op

import tracker.db

revision = '0091'
down_revision = '0090'
branch_labels = None
depends_on = None

TABLES = (("change_corrections", "request_id", "change_requests"),
          ("rebaseline_corrections", "rebaseline_id", "rebaselines"))


def upgrade() -> None:
    for table, key, parent in TABLES:
        op.create_table(
            table,
            sa.Column('id', sa.Integer(), nullable=False),
            sa.Column(key, sa.Integer(), nullable=False),
            sa.Column('approved', sa.Boolean(), nullable=False),
            sa.Column('reason', sa.Text(), nullable=False),
            sa.Column('corrected_by_id', sa.Integer(), nullable=False),
            sa.Column('corrected_at', tracker.db.UTCDateTime(timezone=True), nullable=False),
            sa.CheckConstraint("reason <> ''", name=op.f(f'ck_{table}_reason_given')),
            sa.ForeignKeyConstraint([key], [f'{parent}.id'],
                                    name=op.f(f'fk_{table}_{key}_{parent}'), ondelete='CASCADE'),
            sa.ForeignKeyConstraint(['corrected_by_id'], ['users.id'],
                                    name=op.f(f'fk_{table}_corrected_by_id_users')),
            sa.PrimaryKeyConstraint('id', name=op.f(f'pk_{table}')),
            sa.UniqueConstraint(key, name=op.f(f'uq_{table}_{key}')))


def downgrade() -> None:
    # The older schema has no place for a correction: refuse rather than lose one, and the
    # plan or the due date it restored.
    bind = op.get_bind()
    for table, _key, _parent in TABLES:
        if bind.scalar(sa.text(f"SELECT count(*) FROM {table}")):
            raise RuntimeError(f"{table} holds corrections, which revision 0090 cannot "
                               "represent: downgrade refused")
    for table, _key, _parent in reversed(TABLES):
        op.drop_table(table)
