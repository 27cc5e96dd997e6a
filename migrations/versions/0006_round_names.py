"""Round names are unique per company.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("financing_rounds", schema=None) as batch_op:
        batch_op.create_unique_constraint(batch_op.f("uq_financing_rounds_company_id_name"),
                                          ["company_id", "name"])


def downgrade() -> None:
    with op.batch_alter_table("financing_rounds", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_financing_rounds_company_id_name"), type_="unique")
