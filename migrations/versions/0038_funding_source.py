"""a project's funding source: 纵向 (a government programme), 横向 (an enterprise) or 自筹

Revision ID: 0038
Revises: 0037
Create Date: 2026-11-26 09:30:00

Existing projects get the source their records show: a project with a research contract or a
partner enterprise is enterprise-funded; any other is on own funds. No existing project is
known to be government-funded (HQ sets that on the project's page).
"""

from alembic import op
import sqlalchemy as sa


revision = '0038'
down_revision = '0037'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('projects') as batch:
        batch.add_column(sa.Column('funding_source', sa.Enum(
            'government', 'enterprise', 'own', name='funding_source', native_enum=False,
            create_constraint=True, length=10), server_default='own', nullable=False))
        batch.add_column(sa.Column('programme_level', sa.Enum(
            'national', 'provincial', 'municipal', 'district', name='programme_level',
            native_enum=False, create_constraint=True, length=10), nullable=True))
        batch.add_column(sa.Column('programme_name', sa.String(200), server_default='',
                                   nullable=False))
        batch.add_column(sa.Column('funder_project_number', sa.String(100), server_default='',
                                   nullable=False))
        batch.add_column(sa.Column('managing_body', sa.String(200), server_default='',
                                   nullable=False))
    op.execute("UPDATE projects SET funding_source = 'enterprise' "
               "WHERE partner_enterprise_id IS NOT NULL OR EXISTS "
               "(SELECT 1 FROM research_contracts c WHERE c.project_id = projects.id)")


def downgrade() -> None:
    with op.batch_alter_table('projects') as batch:
        batch.drop_constraint(op.f('ck_projects_programme_level'), type_='check')
        batch.drop_constraint(op.f('ck_projects_funding_source'), type_='check')
        batch.drop_column('managing_body')
        batch.drop_column('funder_project_number')
        batch.drop_column('programme_name')
        batch.drop_column('programme_level')
        batch.drop_column('funding_source')
