"""an exit says whether it accelerates the incentive options unvested then

Revision ID: 0075
Revises: 0074
Create Date: 2026-11-27 05:40:00

A company's exit ends its incentive grants: no option is exercised after it, and the options
unvested on its date lapse, unless the exit accelerates them (`company_exits.accelerate`: they
vest in full). An exit recorded before this revision did not say so: it accelerates nothing.
"""

import sqlalchemy as sa
from alembic import op

revision = '0075'
down_revision = '0074'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('company_exits', schema=None) as batch_op:
        batch_op.add_column(sa.Column('accelerate', sa.Boolean(), server_default=sa.false(),
                                      nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('company_exits', schema=None) as batch_op:
        batch_op.drop_column('accelerate')
