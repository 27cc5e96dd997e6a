"""a TRL, a progress post and its files, an assessment's evidence and a PM interview are
corrected or withdrawn, never deleted (issue 9 point 5)

Revision ID: 0087
Revises: 0086
Create Date: 2026-11-27 11:45:00

Each carries a version (a correction made on a stale copy is refused, `tracker.db.Versioned`)
and is withdrawn with a reason, kept and marked so (`withdrawn_at`, `withdrawn_reason`,
`withdrawn_by_id`); a progress post's evidence file is withdrawn on its own (no version: its
post's correction carries it). A progress post keeps the milestone's percentage before it
(`percent_before`), which the milestone returns to when the post is withdrawn with none
standing before it; posts made before this revision have none (the milestone then returns to
0). Every existing row starts at version 1, standing. The downgrade refuses while any row is
withdrawn: the older schema would count it again.
"""

import sqlalchemy as sa
from alembic import op

import tracker.db

revision = '0087'
down_revision = '0086'
branch_labels = None
depends_on = None

VERSIONED = ('trl_records', 'progress_updates', 'assessment_evidence', 'pm_interviews')
WITHDRAWABLE = (*VERSIONED, 'evidence')


def upgrade() -> None:
    for table in WITHDRAWABLE:
        with op.batch_alter_table(table, schema=None) as batch_op:
            if table in VERSIONED:
                batch_op.add_column(sa.Column('version', sa.Integer(), server_default='1',
                                              nullable=False))
            batch_op.add_column(sa.Column('withdrawn_at', tracker.db.UTCDateTime(timezone=True),
                                          nullable=True))
            batch_op.add_column(sa.Column('withdrawn_reason', sa.Text(), server_default='',
                                          nullable=False))
            batch_op.add_column(sa.Column('withdrawn_by_id', sa.Integer(), nullable=True))
            batch_op.create_foreign_key(batch_op.f(f'fk_{table}_withdrawn_by_id_users'),
                                        'users', ['withdrawn_by_id'], ['id'])
            if table == 'progress_updates':
                batch_op.add_column(sa.Column('percent_before', sa.Integer(), nullable=True))


def downgrade() -> None:
    for table in WITHDRAWABLE:
        withdrawn = op.get_bind().scalar(sa.text(
            f'SELECT count(*) FROM {table} WHERE withdrawn_at IS NOT NULL'))
        if withdrawn:
            raise RuntimeError(f'{table} holds {withdrawn} withdrawn rows, which revision 0086 '
                               'would count again: downgrade refused')
    for table in WITHDRAWABLE:
        with op.batch_alter_table(table, schema=None) as batch_op:
            if table == 'progress_updates':
                batch_op.drop_column('percent_before')
            batch_op.drop_constraint(batch_op.f(f'fk_{table}_withdrawn_by_id_users'),
                                     type_='foreignkey')
            batch_op.drop_column('withdrawn_by_id')
            batch_op.drop_column('withdrawn_reason')
            batch_op.drop_column('withdrawn_at')
            if table in VERSIONED:
                batch_op.drop_column('version')
