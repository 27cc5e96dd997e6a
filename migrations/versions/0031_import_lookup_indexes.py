"""indexes for the lookups by name the imports make, each named with its query

Revision ID: 0031
Revises: 0030
Create Date: 2026-11-26 06:00:00

Every other natural key an import finds a record by is unique already, so indexed: an
institute's code, an enterprise's or a company's credit code, a user's e-mail, a project's
code, a funding agreement's project; a draft is found by its PM (ix_projects_pm_id), a
milestone by its project, a contract by its number (ix_research_contracts_number).
"""

from alembic import op


revision = '0031'
down_revision = '0030'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('enterprises', schema=None) as batch_op:
        # tracker/imports/cells.py:enterprise_id and Enterprises.find: an enterprise without a
        # credit code, named in a row: WHERE name = :name (AND uscc IS NULL).
        batch_op.create_index('ix_enterprises_name', ['name'], unique=False)

    with op.batch_alter_table('joint_innovation_centres', schema=None) as batch_op:
        # The centres import's key and a need's centre: WHERE name = :name ORDER BY id LIMIT 1.
        batch_op.create_index('ix_joint_innovation_centres_name', ['name'], unique=False)

    with op.batch_alter_table('technology_needs', schema=None) as batch_op:
        # A project's need: WHERE title = :title ORDER BY id LIMIT 1; the needs import's key:
        # WHERE enterprise_id = :e AND title = :title.
        batch_op.create_index('ix_technology_needs_title', ['title'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('technology_needs', schema=None) as batch_op:
        batch_op.drop_index('ix_technology_needs_title')

    with op.batch_alter_table('joint_innovation_centres', schema=None) as batch_op:
        batch_op.drop_index('ix_joint_innovation_centres_name')

    with op.batch_alter_table('enterprises', schema=None) as batch_op:
        batch_op.drop_index('ix_enterprises_name')
