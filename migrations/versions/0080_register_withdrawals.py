"""an achievement or a right recorded by mistake is withdrawn, not deleted

Revision ID: 0080
Revises: 0079
Create Date: 2026-11-27 06:00:00

An achievement or a right recorded against the wrong project, or by mistake, is withdrawn with
a reason when nothing depends on it (no transfer or licence, no annuity paid): it stays, with
its history, but leaves the lists, the annual report's figures and the reminders
(`withdrawn_at`, `withdrawn_reason`, `withdrawn_by_id`). A withdrawn right's number is free
again (its `number_key` is emptied, the number itself kept). The downgrade refuses while any is
withdrawn: the older schema would count it again.
"""

import sqlalchemy as sa
from alembic import op

import tracker.db

revision = '0080'
down_revision = '0079'
branch_labels = None
depends_on = None

TABLES = ('achievements', 'ip_rights')


def upgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('withdrawn_at', tracker.db.UTCDateTime(timezone=True),
                                          nullable=True))
            batch_op.add_column(sa.Column('withdrawn_reason', sa.Text(), server_default='',
                                          nullable=False))
            batch_op.add_column(sa.Column('withdrawn_by_id', sa.Integer(), nullable=True))
            batch_op.create_foreign_key(batch_op.f(f'fk_{table}_withdrawn_by_id_users'),
                                        'users', ['withdrawn_by_id'], ['id'])


def downgrade() -> None:
    for table in TABLES:
        withdrawn = op.get_bind().scalar(sa.text(
            f'SELECT count(*) FROM {table} WHERE withdrawn_at IS NOT NULL'))
        if withdrawn:
            raise RuntimeError(f'{table} holds {withdrawn} withdrawn rows, which revision 0079 '
                               'would count again: downgrade refused')
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(batch_op.f(f'fk_{table}_withdrawn_by_id_users'),
                                     type_='foreignkey')
            batch_op.drop_column('withdrawn_by_id')
            batch_op.drop_column('withdrawn_reason')
            batch_op.drop_column('withdrawn_at')
