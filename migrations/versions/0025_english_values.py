"""reference data in English beside Chinese: names, fields, industries, gates, criteria

Revision ID: 0025
Revises: 0024
Create Date: 2026-11-26 02:55:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0025'
down_revision = '0024'
branch_labels = None
depends_on = None

COLUMNS = {
    'headquarters': [('name_en', 200)],
    'institutes': [('name_en', 200), ('field_en', 100)],
    'enterprises': [('name_en', 200), ('industry_en', 100)],
    'joint_innovation_centres': [('name_en', 200)],
    'gate_templates': [('name_en', 200)],
    'gate_criteria': [('text_en', 300)],
    'gate_reviews': [('name_en', 200)],
    'review_criteria': [('text_en', 300)],
}


def upgrade() -> None:
    for table, columns in COLUMNS.items():
        with op.batch_alter_table(table) as batch:
            for name, length in columns:
                batch.add_column(sa.Column(name, sa.String(length), nullable=True))
    with op.batch_alter_table('gate_templates') as batch:
        batch.add_column(sa.Column('required_deliverables_en', sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('gate_templates') as batch:
        batch.drop_column('required_deliverables_en')
    for table, columns in reversed(COLUMNS.items()):
        with op.batch_alter_table(table) as batch:
            for name, _length in reversed(columns):
                batch.drop_column(name)
