"""Versions on every record two people can edit; project codes given on submission; a
superseded condition is a state of its own.

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

VERSIONED = ("headquarters", "institutes", "enterprises", "joint_innovation_centres",
             "technology_needs", "gate_templates", "research_contracts", "funding_agreements",
             "companies", "setting_values")

CONDITION_STATES = ("open", "met", "confirmed")
CHECK = "ck_conditions_condition_state"


def _condition_states(states: tuple[str, ...]) -> None:
    """The CHECK constraint of the stored enum, and its column just long enough."""
    with op.batch_alter_table("conditions", schema=None) as batch_op:
        batch_op.drop_constraint(op.f(CHECK), type_="check")
        batch_op.alter_column("state", existing_type=sa.String(),
                              type_=sa.String(length=max(map(len, states))),
                              existing_nullable=False)
        batch_op.create_check_constraint(
            op.f(CHECK), "state IN (" + ", ".join(f"'{s}'" for s in states) + ")")


def upgrade() -> None:
    for table in VERSIONED:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("version", sa.Integer(), server_default="1",
                                          nullable=False))
    with op.batch_alter_table("projects", schema=None) as batch_op:
        batch_op.alter_column("year", existing_type=sa.Integer(), nullable=True)
        batch_op.alter_column("seq", existing_type=sa.Integer(), nullable=True)
        batch_op.alter_column("code", existing_type=sa.String(length=40), nullable=True)
    _condition_states((*CONDITION_STATES, "superseded"))
    # Conditions a correction replaced were marked confirmed with a sentence in the corrector's
    # language; they are superseded, which is not cleared.
    op.execute("UPDATE conditions SET state = 'superseded', evidence = '' "
               "WHERE state = 'confirmed' AND evidence IN "
               "('Replaced by the correction of the decision.', '已被更正后的决定取代。')")


def downgrade() -> None:
    op.execute("UPDATE conditions SET state = 'confirmed' WHERE state = 'superseded'")
    _condition_states(CONDITION_STATES)
    # Drafts had codes before this revision: give each one that cannot be mistaken for a real one.
    op.execute("UPDATE projects SET year = 0, seq = id, "
               "code = 'DRAFT-' || CAST(id AS VARCHAR(20)) WHERE code IS NULL")
    with op.batch_alter_table("projects", schema=None) as batch_op:
        batch_op.alter_column("code", existing_type=sa.String(length=40), nullable=False)
        batch_op.alter_column("seq", existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column("year", existing_type=sa.Integer(), nullable=False)
    for table in reversed(VERSIONED):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("version")
