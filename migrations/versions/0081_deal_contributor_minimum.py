"""a transfer or licence keeps the article 45 minimum it was recorded under

Revision ID: 0081
Revises: 0080
Create Date: 2026-11-27 06:30:00

Issue 16 T26, found by a newcomer: raising the setting *Share of the net income of a transfer or
licence due to its contributors* branded the deals recorded before (compliant then) as below
the minimum, and refused editing them, or recording their income, without an override reason.

`ip_transfers.contributor_min_pct` is the minimum a deal is judged by, for good: the setting on
the day it is recorded. The deals already recorded get the setting as it stands (50 when never
set), except a deal whose contributors' share is below it with no reason given: it was accepted
without one, so the minimum in force then was no higher than its share, which it gets. No deal
becomes non-compliant by this migration. The downgrade drops the column.
"""

from decimal import Decimal

import sqlalchemy as sa
from alembic import op

revision = '0081'
down_revision = '0080'
branch_labels = None
depends_on = None

SETTING = 'ip_income_contributor_min_pct'
DEFAULT = Decimal('50')
CHECK = 'ck_ip_transfers_contributor_min_range'


def upgrade() -> None:
    conn = op.get_bind()
    with op.batch_alter_table('ip_transfers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('contributor_min_pct', sa.Numeric(precision=5, scale=2),
                                      nullable=True))
    stored = conn.scalar(sa.text('SELECT value FROM setting_values WHERE key = :key'),
                         {'key': SETTING})
    minimum = Decimal(stored) if stored is not None else DEFAULT
    conn.execute(sa.text(
        "UPDATE ip_transfers SET contributor_min_pct = CASE "
        "WHEN contributor_pct < :minimum AND override_reason = '' THEN contributor_pct "
        "ELSE :minimum END").bindparams(sa.bindparam('minimum', minimum,
                                                    type_=sa.Numeric(precision=5, scale=2))))
    with op.batch_alter_table('ip_transfers', schema=None) as batch_op:
        batch_op.alter_column('contributor_min_pct', existing_type=sa.Numeric(precision=5,
                                                                               scale=2),
                              nullable=False)
        batch_op.create_check_constraint(op.f(CHECK), 'contributor_min_pct BETWEEN 0 AND 100')


def downgrade() -> None:
    with op.batch_alter_table('ip_transfers', schema=None) as batch_op:
        batch_op.drop_constraint(op.f(CHECK), type_='check')
        batch_op.drop_column('contributor_min_pct')
