"""an agreement, a tranche or a company's IP deal recorded by mistake is voided (issue 9 point 5)

Revision ID: 0088
Revises: 0087
Create Date: 2026-11-27 11:50:00

As a research contract is since 0079: a record entered entirely by mistake is voided with a
reason once nothing depends on it, stays in the history, marked (when, why, by whom), and no
longer counts anywhere (`tracker.voids`). A project has one agreement that stands: the unique
constraint on its project becomes a unique index on the agreements not voided, so that the
committee can record the right one after voiding the wrong one.
"""

import sqlalchemy as sa
from alembic import op

import tracker.db

revision = '0088'
down_revision = '0087'
branch_labels = None
depends_on = None

TABLES = ("funding_agreements", "tranches", "ip_deals")
STANDING = sa.text("voided_at IS NULL")


def upgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('voided_at', tracker.db.UTCDateTime(timezone=True),
                                          nullable=True))
            batch_op.add_column(sa.Column('void_reason', sa.Text(), nullable=True))
            batch_op.add_column(sa.Column('voided_by_id', sa.Integer(), nullable=True))
            batch_op.create_foreign_key(batch_op.f(f'fk_{table}_voided_by_id_users'),
                                        'users', ['voided_by_id'], ['id'])
            batch_op.create_check_constraint(
                op.f(f'ck_{table}_void_whole'),
                "(voided_at IS NULL AND void_reason IS NULL AND voided_by_id IS NULL) OR "
                "(voided_at IS NOT NULL AND void_reason IS NOT NULL AND voided_by_id IS NOT NULL)")
    with op.batch_alter_table('funding_agreements', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('uq_funding_agreements_project_id'), type_='unique')
        batch_op.create_index('uq_funding_agreements_standing_project', ['project_id'],
                              unique=True, sqlite_where=STANDING, postgresql_where=STANDING)


def downgrade() -> None:
    # The older schema has no place for a void, and dropping one would make a record entered
    # by mistake count again: refuse rather than bring the mistake back.
    for table in TABLES:
        voided = op.get_bind().scalar(sa.text(
            f"SELECT count(*) FROM {table} WHERE voided_at IS NOT NULL"))
        if voided:
            raise RuntimeError(f"{table} holds {voided} voided records, which revision 0087 "
                               "cannot represent: downgrade refused")
    with op.batch_alter_table('funding_agreements', schema=None) as batch_op:
        batch_op.drop_index('uq_funding_agreements_standing_project')
        batch_op.create_unique_constraint(op.f('uq_funding_agreements_project_id'),
                                          ['project_id'])
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(op.f(f'ck_{table}_void_whole'), type_='check')
            batch_op.drop_constraint(batch_op.f(f'fk_{table}_voided_by_id_users'),
                                     type_='foreignkey')
            batch_op.drop_column('voided_by_id')
            batch_op.drop_column('void_reason')
            batch_op.drop_column('voided_at')
