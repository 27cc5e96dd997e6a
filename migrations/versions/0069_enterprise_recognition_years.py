"""every year an enterprise was granted each recognition

Revision ID: 0069
Revises: 0068
Create Date: 2026-11-26 23:30:00

Issue 15, point 5: an enterprise kept only the year it was last granted each recognition, so a
renewal entered by hand or by a re-import lost the earlier ones. Each year is now a row of
`enterprise_recognitions`; the years already recorded become the first rows.
"""

import sqlalchemy as sa
from alembic import op

revision = '0069'
down_revision = '0068'
branch_labels = None
depends_on = None

RECOGNITIONS = ("specialised_since", "little_giant_since", "high_tech_since", "tech_sme_since")


def upgrade() -> None:
    op.create_table(
        'enterprise_recognitions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('enterprise_id', sa.Integer(), nullable=False),
        sa.Column('recognition', sa.String(length=40), nullable=False),
        sa.Column('year', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['enterprise_id'], ['enterprises.id'],
                                name=op.f('fk_enterprise_recognitions_enterprise_id_enterprises'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_enterprise_recognitions')),
        sa.UniqueConstraint('enterprise_id', 'recognition', 'year',
                            name=op.f('uq_enterprise_recognitions_enterprise_id_recognition_year')))
    with op.batch_alter_table('enterprise_recognitions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_enterprise_recognitions_enterprise_id'),
                              ['enterprise_id'], unique=False)
    for key in RECOGNITIONS:
        op.execute(f"INSERT INTO enterprise_recognitions (enterprise_id, recognition, year) "
                   f"SELECT id, '{key}', {key} FROM enterprises WHERE {key} IS NOT NULL")


def downgrade() -> None:
    with op.batch_alter_table('enterprise_recognitions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_enterprise_recognitions_enterprise_id'))
    op.drop_table('enterprise_recognitions')
