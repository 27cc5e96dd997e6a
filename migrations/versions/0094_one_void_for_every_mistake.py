"""a record made by mistake is voided one way: the withdrawn records take the voids' columns

Revision ID: 0094
Revises: 0093
Create Date: 2026-11-27 14:50:00

Two mechanisms said the same thing (issue 11: no piece of logic written twice): a TRL, a
progress post and its files, an assessment's evidence, a PM interview, an achievement and a
right were "withdrawn" (`withdrawn_at`, `withdrawn_reason`, `withdrawn_by_id`, since 0080 and
0087), a contract, an agreement, a tranche and a company's IP deal "voided" (`voided_at`,
`void_reason`, `voided_by_id`, since 0079 and 0088). The withdrawn records take the voids'
columns, data kept, and their rule: voided whole (when, why and by whom) or not at all
(`void_whole`), a standing record having no reason (the empty text it had becomes NULL). The
pages still say "withdrawn" of those kinds: a word, not another mechanism.

A row withdrawn without saying by whom cannot be kept whole: the upgrade refuses naming it.
The downgrade gives the columns their former names and rule back (the empty reason of a
standing record included).
"""

import sqlalchemy as sa
from alembic import op

revision = '0094'
down_revision = '0093'
branch_labels = None
depends_on = None

TABLES = ('trl_records', 'progress_updates', 'evidence', 'assessment_evidence',
          'pm_interviews', 'achievements', 'ip_rights')
WHOLE = ("(voided_at IS NULL AND void_reason IS NULL AND voided_by_id IS NULL) OR "
         "(voided_at IS NOT NULL AND void_reason IS NOT NULL AND voided_by_id IS NOT NULL)")


def upgrade() -> None:
    conn = op.get_bind()
    for table in TABLES:
        unsaid = conn.scalar(sa.text(f'SELECT count(*) FROM {table} WHERE withdrawn_at IS NOT '
                                     'NULL AND withdrawn_by_id IS NULL'))
        if unsaid:
            raise RuntimeError(f'{table} holds {unsaid} rows withdrawn by no one recorded, '
                               'which a void cannot hold: upgrade refused')
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(batch_op.f(f'fk_{table}_withdrawn_by_id_users'),
                                     type_='foreignkey')
            batch_op.alter_column('withdrawn_at', new_column_name='voided_at')
            batch_op.alter_column('withdrawn_reason', new_column_name='void_reason',
                                  existing_type=sa.Text(), nullable=True, server_default=None)
            batch_op.alter_column('withdrawn_by_id', new_column_name='voided_by_id')
        op.execute(f'UPDATE {table} SET void_reason = NULL WHERE voided_at IS NULL')
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_foreign_key(batch_op.f(f'fk_{table}_voided_by_id_users'),
                                        'users', ['voided_by_id'], ['id'])
            batch_op.create_check_constraint(op.f(f'ck_{table}_void_whole'), WHOLE)


def downgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(op.f(f'ck_{table}_void_whole'), type_='check')
            batch_op.drop_constraint(batch_op.f(f'fk_{table}_voided_by_id_users'),
                                     type_='foreignkey')
        op.execute(f"UPDATE {table} SET void_reason = '' WHERE void_reason IS NULL")
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column('voided_at', new_column_name='withdrawn_at')
            batch_op.alter_column('void_reason', new_column_name='withdrawn_reason',
                                  existing_type=sa.Text(), nullable=False, server_default='')
            batch_op.alter_column('voided_by_id', new_column_name='withdrawn_by_id')
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_foreign_key(batch_op.f(f'fk_{table}_withdrawn_by_id_users'),
                                        'users', ['withdrawn_by_id'], ['id'])
