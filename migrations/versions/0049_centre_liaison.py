"""the liaison of a joint innovation centre

Revision ID: 0049
Revises: 0048
Create Date: 2026-11-26 14:50:00

A centre names the person who keeps it going (issue 15, points 1 and 2): they may submit
needs for the centre's enterprise.
"""

import sqlalchemy as sa
from alembic import op

revision = '0049'
down_revision = '0048'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('joint_innovation_centres', schema=None) as batch_op:
        batch_op.add_column(sa.Column('liaison_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_joint_innovation_centres_liaison_id'),
                              ['liaison_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_joint_innovation_centres_liaison_id_users'),
                                    'users', ['liaison_id'], ['id'])


def downgrade() -> None:
    with op.batch_alter_table('joint_innovation_centres', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_joint_innovation_centres_liaison_id_users'),
                                 type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_joint_innovation_centres_liaison_id'))
        batch_op.drop_column('liaison_id')
