"""every mistake correctable: reversing payments, disbursements and share entries (amount or
shares negated, naming the original, with a reason); companies detached from a project with a
reason

Revision ID: 0018
Revises: 0017
Create Date: 2026-11-26 00:40:00
"""

from alembic import op
import sqlalchemy as sa
import tracker.db


revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None

# table -> (the signed column, the old CHECK's name)
LEDGERS = {"payments": ("amount", "amount_positive"),
           "disbursements": ("amount", "amount_positive"),
           "share_entries": ("shares", "shares_positive")}


def upgrade() -> None:
    for table, (column, old_check) in LEDGERS.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('reverses_id', sa.Integer(), nullable=True))
            batch_op.add_column(sa.Column('reason', sa.Text(), server_default='',
                                          nullable=False))
            batch_op.create_unique_constraint(batch_op.f(f'uq_{table}_reverses_id'),
                                              ['reverses_id'])
            batch_op.create_foreign_key(batch_op.f(f'fk_{table}_reverses_id_{table}'), table,
                                        ['reverses_id'], ['id'])
            batch_op.drop_constraint(op.f(f'ck_{table}_{old_check}'), type_='check')
            batch_op.create_check_constraint(
                op.f(f'ck_{table}_{column}_sign'),
                f"(reverses_id IS NULL AND {column} > 0) OR "
                f"(reverses_id IS NOT NULL AND {column} < 0)")
    op.create_table('company_detachments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('company_id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('detached_by_id', sa.Integer(), nullable=False),
    sa.Column('detached_at', tracker.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("reason <> ''", name=op.f('ck_company_detachments_reason_given')),
    sa.ForeignKeyConstraint(['company_id'], ['companies.id'], name=op.f('fk_company_detachments_company_id_companies'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['detached_by_id'], ['users.id'], name=op.f('fk_company_detachments_detached_by_id_users')),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_company_detachments_project_id_projects')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_company_detachments'))
    )
    with op.batch_alter_table('company_detachments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_company_detachments_company_id'), ['company_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_company_detachments_project_id'), ['project_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('company_detachments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_company_detachments_project_id'))
        batch_op.drop_index(batch_op.f('ix_company_detachments_company_id'))
    op.drop_table('company_detachments')
    for table, (column, old_check) in LEDGERS.items():
        # The older schema has no place for a reversal, and dropping one would bring back the
        # mistake it undid: refuse rather than lose it.
        reversals = op.get_bind().scalar(sa.text(
            f"SELECT count(*) FROM {table} WHERE reverses_id IS NOT NULL"))
        if reversals:
            raise RuntimeError(f"{table} holds {reversals} reversing entries, which revision "
                               "0017 cannot represent: downgrade refused")
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(op.f(f'ck_{table}_{column}_sign'), type_='check')
            batch_op.drop_constraint(batch_op.f(f'fk_{table}_reverses_id_{table}'),
                                     type_='foreignkey')
            batch_op.drop_constraint(batch_op.f(f'uq_{table}_reverses_id'), type_='unique')
            batch_op.drop_column('reason')
            batch_op.drop_column('reverses_id')
            batch_op.create_check_constraint(op.f(f'ck_{table}_{old_check}'), f"{column} > 0")
