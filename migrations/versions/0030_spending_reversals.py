"""a spending entry recorded by mistake is reversed: a reversing entry with the amount
negated, naming the original (one reversal at most), with a reason

Revision ID: 0030
Revises: 0029
Create Date: 2026-11-26 06:20:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0030'
down_revision = '0029'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('spending_entries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reverses_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('reason', sa.Text(), server_default='', nullable=False))
        batch_op.create_unique_constraint(batch_op.f('uq_spending_entries_reverses_id'),
                                          ['reverses_id'])
        batch_op.create_foreign_key(batch_op.f('fk_spending_entries_reverses_id_spending_entries'),
                                    'spending_entries', ['reverses_id'], ['id'])
        batch_op.drop_constraint(op.f('ck_spending_entries_amount_positive'), type_='check')
        batch_op.create_check_constraint(
            op.f('ck_spending_entries_amount_sign'),
            "(reverses_id IS NULL AND amount > 0) OR (reverses_id IS NOT NULL AND amount < 0)")


def downgrade() -> None:
    # The older schema has no place for a reversal, and dropping one would bring back the
    # mistake it undid: refuse rather than lose it.
    reversals = op.get_bind().scalar(sa.text(
        "SELECT count(*) FROM spending_entries WHERE reverses_id IS NOT NULL"))
    if reversals:
        raise RuntimeError(f"spending_entries holds {reversals} reversing entries, which "
                           "revision 0029 cannot represent: downgrade refused")
    with op.batch_alter_table('spending_entries', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_spending_entries_amount_sign'), type_='check')
        batch_op.drop_constraint(batch_op.f('fk_spending_entries_reverses_id_spending_entries'),
                                 type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('uq_spending_entries_reverses_id'), type_='unique')
        batch_op.drop_column('reason')
        batch_op.drop_column('reverses_id')
        batch_op.create_check_constraint(op.f('ck_spending_entries_amount_positive'),
                                         "amount > 0")
