"""a centre's payment recorded by mistake is reversed, not left standing

Revision ID: 0071
Revises: 0070
Create Date: 2026-11-26 23:40:00

A payment of a joint innovation centre's enterprise recorded by mistake is undone by a payment
of the negated amount naming it (`reverses_id`, with a `reason`), as co-funders' payments and
disbursements are: the sign of the amount follows.
"""

import sqlalchemy as sa
from alembic import op

revision = '0071'
down_revision = '0070'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('centre_payments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reverses_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('reason', sa.Text(), server_default='', nullable=False))
        batch_op.create_unique_constraint(batch_op.f('uq_centre_payments_reverses_id'),
                                          ['reverses_id'])
        batch_op.create_foreign_key(batch_op.f('fk_centre_payments_reverses_id_centre_payments'),
                                    'centre_payments', ['reverses_id'], ['id'])
        batch_op.drop_constraint(op.f('ck_centre_payments_amount_positive'), type_='check')
        batch_op.create_check_constraint(
            op.f('ck_centre_payments_amount_sign'),
            "(reverses_id IS NULL AND amount > 0) OR (reverses_id IS NOT NULL AND amount < 0)")


def downgrade() -> None:
    # The older schema has no place for a reversal, and dropping one would bring back the
    # mistake it undid: refuse rather than lose it.
    reversals = op.get_bind().scalar(sa.text(
        "SELECT count(*) FROM centre_payments WHERE reverses_id IS NOT NULL"))
    if reversals:
        raise RuntimeError(f"centre_payments holds {reversals} reversals, which revision 0070 "
                           "cannot represent: downgrade refused")
    with op.batch_alter_table('centre_payments', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_centre_payments_amount_sign'), type_='check')
        batch_op.drop_constraint(batch_op.f('fk_centre_payments_reverses_id_centre_payments'),
                                 type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('uq_centre_payments_reverses_id'), type_='unique')
        batch_op.drop_column('reason')
        batch_op.drop_column('reverses_id')
        batch_op.create_check_constraint(op.f('ck_centre_payments_amount_positive'),
                                         "amount > 0")
