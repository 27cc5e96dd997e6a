"""a share issue records what was paid for it

Revision ID: 0097
Revises: 0096
Create Date: 2026-11-27 18:30:00

Issue 9 (a newcomer's walk as the investment committee): HQ's 2,500,000 shares taken at
incorporation for cash carried no price, so HQ's cost counted only its money in a later round
while the value counted every HQ share: a multiple of 16x that mixed two bases. An issue typed
in (at incorporation or later, for cash, IP or in kind) now records what was paid for it
(`share_entries.paid`, CNY, optional: the entries recorded before have none, and a multiple
over shares some of which carry no cost is not given). A round's or a conversion's shares
keep their cost on the round investment or the conversion. The downgrade drops the column.
"""

import sqlalchemy as sa
from alembic import op

revision = '0097'
down_revision = '0096'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('share_entries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('paid', sa.Numeric(precision=18, scale=2,
                                                         asdecimal=True), nullable=True))
        batch_op.create_check_constraint(op.f('ck_share_entries_paid_not_negative'),
                                         'paid IS NULL OR paid >= 0')


def downgrade() -> None:
    with op.batch_alter_table('share_entries', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_share_entries_paid_not_negative'), type_='check')
        batch_op.drop_column('paid')
