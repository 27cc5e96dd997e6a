"""a tranche and a company's IP deal carry a version: both are corrected now (issue 9 point 5)

Revision ID: 0085
Revises: 0084
Create Date: 2026-11-27 09:00:00

The investment committee corrects a tranche's amount or condition while nothing stands paid on
it, and HQ a company's licence or assignment of IP recorded wrong; a save made on a stale copy
is refused (`tracker.db.Versioned`). Every existing row starts at version 1.
"""

import sqlalchemy as sa
from alembic import op

revision = '0085'
down_revision = '0084'
branch_labels = None
depends_on = None

TABLES = ("tranches", "ip_deals")


def upgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("version", sa.Integer(), server_default="1",
                                          nullable=False))


def downgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("version")
