"""an evidence indicator's unit: assessment_indicators.is_count

Revision ID: 0110
Revises: 0109
Create Date: 2026-11-29 12:30:00

A newcomer read the assessment's money as bare numbers (a target of 1,000,000.00 beside the
rest of the app's CN¥1,000,000.00). A computed measure says by itself whether it sums money or
counts records (`assessment.models.MONEY_MEASURES`); an evidence indicator's unit was nowhere:
HQ now says it, money (CNY) unless counted in a number. Indicators before this one are money,
as the demo's and the form's description ("CNY for money") took them.
"""

import sqlalchemy as sa
from alembic import op

revision = '0110'
down_revision = '0109'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('assessment_indicators', schema=None) as batch_op:
        batch_op.add_column(sa.Column('is_count', sa.Boolean(), server_default=sa.false(),
                                      nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('assessment_indicators', schema=None) as batch_op:
        batch_op.drop_column('is_count')
