"""a receipt of licence income says what it pays; receipts and royalty reports are reversed

Revision ID: 0065
Revises: 0064
Create Date: 2026-11-26 23:00:00

Issue 16: `ip_income.pays` (upfront, royalty, other): the upfront payment is received only
from receipts that say they pay it. The rows already recorded: a receipt against a report pays
its royalty; the others of a deal, oldest first, pay its upfront payment until they reach it,
and what comes after is other income (the rule read them all as upfront before).

A receipt recorded by mistake is reversed by a receipt of the negated amounts naming it
(`reverses_id`, with a `reason`); a royalty report by a `royalty_report_reversals` row, after
which its period may be reported again (the unique period per deal goes: one standing report a
period is kept by the service, under the deal's lock).
"""

from decimal import Decimal

import sqlalchemy as sa
from alembic import op

import tracker.db

revision = '0065'
down_revision = '0064'
branch_labels = None
depends_on = None


def _what_each_pays(conn) -> dict[int, str]:
    upfront = dict(conn.execute(sa.text("SELECT id, upfront FROM ip_transfers")).all())
    received: dict[int, Decimal] = {}
    pays = {}
    for receipt_id, transfer_id, report_id, amount in conn.execute(sa.text(
            "SELECT id, transfer_id, report_id, amount FROM ip_income "
            "ORDER BY transfer_id, received_on, id")):
        if report_id is not None:
            pays[receipt_id] = 'royalty'
            continue
        before = received.get(transfer_id, Decimal('0'))
        due = Decimal(str(upfront.get(transfer_id) or 0))
        pays[receipt_id] = 'upfront' if before < due else 'other'
        received[transfer_id] = before + Decimal(str(amount))
    return pays


def upgrade() -> None:
    conn = op.get_bind()
    with op.batch_alter_table('ip_income', schema=None) as batch_op:
        batch_op.add_column(sa.Column('pays', sa.String(length=7), nullable=True))
    for receipt_id, pays in _what_each_pays(conn).items():
        conn.execute(sa.text("UPDATE ip_income SET pays = :pays WHERE id = :id"),
                     {"pays": pays, "id": receipt_id})
    with op.batch_alter_table('ip_income', schema=None) as batch_op:
        batch_op.alter_column('pays', existing_type=sa.String(length=7), nullable=False)
        batch_op.create_check_constraint(
            op.f('ck_ip_income_receipt_for'), "pays IN ('upfront', 'royalty', 'other')")
        batch_op.add_column(sa.Column('reverses_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('reason', sa.Text(), server_default='', nullable=False))
        batch_op.create_unique_constraint(batch_op.f('uq_ip_income_reverses_id'),
                                          ['reverses_id'])
        batch_op.create_foreign_key(batch_op.f('fk_ip_income_reverses_id_ip_income'),
                                    'ip_income', ['reverses_id'], ['id'])
        batch_op.drop_constraint(op.f('ck_ip_income_amount_positive'), type_='check')
        batch_op.drop_constraint(op.f('ck_ip_income_costs_range'), type_='check')
        batch_op.create_check_constraint(
            op.f('ck_ip_income_amount_sign'),
            "(reverses_id IS NULL AND amount > 0) OR (reverses_id IS NOT NULL AND amount < 0)")
        batch_op.create_check_constraint(
            op.f('ck_ip_income_costs_range'),
            "(amount > 0 AND costs >= 0 AND costs <= amount) OR "
            "(amount < 0 AND costs <= 0 AND costs >= amount)")
        batch_op.create_check_constraint(
            op.f('ck_ip_income_royalty_names_report'),
            "(pays = 'royalty' AND report_id IS NOT NULL) OR "
            "(pays <> 'royalty' AND report_id IS NULL)")
    with op.batch_alter_table('royalty_reports', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('uq_royalty_reports_transfer_id_period_end'),
                                 type_='unique')
    op.create_table('royalty_report_reversals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('on_date', sa.Date(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=False),
    sa.Column('recorded_at', tracker.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("reason <> ''", name=op.f('ck_royalty_report_reversals_reason_given')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_royalty_report_reversals_recorded_by_id_users')),
    sa.ForeignKeyConstraint(['report_id'], ['royalty_reports.id'], name=op.f('fk_royalty_report_reversals_report_id_royalty_reports'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_royalty_report_reversals')),
    sa.UniqueConstraint('report_id', name=op.f('uq_royalty_report_reversals_report_id'))
    )


def downgrade() -> None:
    # The older schema has no place for a reversal, and dropping one would bring back the
    # mistake it undid: refuse rather than lose it.
    conn = op.get_bind()
    reversals = conn.scalar(sa.text(
        "SELECT count(*) FROM ip_income WHERE reverses_id IS NOT NULL")) + conn.scalar(
        sa.text("SELECT count(*) FROM royalty_report_reversals"))
    if reversals:
        raise RuntimeError(f"ip_income and royalty_report_reversals hold {reversals} "
                           "reversals, which revision 0064 cannot represent: downgrade refused")
    op.drop_table('royalty_report_reversals')
    with op.batch_alter_table('royalty_reports', schema=None) as batch_op:
        batch_op.create_unique_constraint(
            batch_op.f('uq_royalty_reports_transfer_id_period_end'), ['transfer_id', 'period_end'])
    with op.batch_alter_table('ip_income', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_ip_income_royalty_names_report'), type_='check')
        batch_op.drop_constraint(op.f('ck_ip_income_costs_range'), type_='check')
        batch_op.drop_constraint(op.f('ck_ip_income_amount_sign'), type_='check')
        batch_op.drop_constraint(batch_op.f('fk_ip_income_reverses_id_ip_income'),
                                 type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('uq_ip_income_reverses_id'), type_='unique')
        batch_op.drop_constraint(op.f('ck_ip_income_receipt_for'), type_='check')
        batch_op.drop_column('reason')
        batch_op.drop_column('reverses_id')
        batch_op.drop_column('pays')
        batch_op.create_check_constraint(op.f('ck_ip_income_amount_positive'), "amount > 0")
        batch_op.create_check_constraint(op.f('ck_ip_income_costs_range'),
                                         "costs >= 0 AND costs <= amount")
