"""a spin-off's IP deal issues the shares it gives for the IP on the share ledger

Revision ID: 0086
Revises: 0085
Create Date: 2026-11-27 10:00:00

Issue 16, F44 (found by a newcomer): a contribution of IP for equity (作价入股) recorded the
number of shares given for it (`ip_deals.equity_shares`) and no shares: the cap table never
had them. A deal now issues them on the ledger, paid with the IP, each entry naming the deal
(`share_entries.ip_deal_id`; a reversing entry names it too). The deals recorded before keep
their number, shown as not on the share ledger: who received the shares was never recorded,
and they may already be lines of the cap table typed at incorporation. The downgrade drops the
column; the entries stay, as any issuance paid with IP.
"""

import sqlalchemy as sa
from alembic import op

revision = '0086'
down_revision = '0085'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('share_entries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('ip_deal_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_share_entries_ip_deal_id_ip_deals'), 'ip_deals',
                                    ['ip_deal_id'], ['id'])
        batch_op.create_index(batch_op.f('ix_share_entries_ip_deal_id'), ['ip_deal_id'],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table('share_entries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_share_entries_ip_deal_id'))
        batch_op.drop_constraint(batch_op.f('fk_share_entries_ip_deal_id_ip_deals'),
                                 type_='foreignkey')
        batch_op.drop_column('ip_deal_id')
