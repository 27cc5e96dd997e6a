"""A place on a team counts once confirmed, by its holder or the director of the project's
institute: until then it gives no access and no stake (a PM could otherwise keep chosen
evaluators off a project's panels by naming them to its team). Places made before this revision
were made under the old rule and stay as they were: confirmed, by no one, now.

Revision ID: 0021
Revises: 0020
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import tracker.db

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("project_members") as batch_op:
        batch_op.add_column(sa.Column("confirmed_at", tracker.db.UTCDateTime(timezone=True),
                                      nullable=True))
        batch_op.add_column(sa.Column("confirmed_by_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f("fk_project_members_confirmed_by_id_users"),
                                    "users", ["confirmed_by_id"], ["id"])
    members = sa.table("project_members",
                       sa.column("confirmed_at", tracker.db.UTCDateTime(timezone=True)))
    op.execute(members.update().values(confirmed_at=tracker.db.utcnow()))


def downgrade() -> None:
    # The old rule has no pending place: those not confirmed go.
    op.execute("DELETE FROM project_members WHERE confirmed_at IS NULL")
    with op.batch_alter_table("project_members") as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_project_members_confirmed_by_id_users"),
                                 type_="foreignkey")
        batch_op.drop_column("confirmed_by_id")
        batch_op.drop_column("confirmed_at")
