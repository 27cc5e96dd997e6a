"""the registration of a technology contract (技术合同登记)

Revision ID: 0036
Revises: 0035
Create Date: 2026-11-26 09:10:00

A technology contract registered with a technology-market registration office gets a
registration number (登记号), a date, and an approved technology transaction value (技术交易额:
the part of the contract's amount that is technology, on which the tax relief is computed;
it may be less than the amount). The certificate is a stored file. The number is unique: the
office issues it once.
"""

from alembic import op
import sqlalchemy as sa


revision = '0036'
down_revision = '0035'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('research_contracts') as batch:
        batch.add_column(sa.Column('registration_number', sa.String(60), nullable=True))
        batch.add_column(sa.Column('registered_on', sa.Date(), nullable=True))
        batch.add_column(sa.Column('registered_value', sa.Numeric(18, 2), nullable=True))
        batch.add_column(sa.Column('certificate_id', sa.Integer(), nullable=True))
        batch.create_unique_constraint(op.f('uq_research_contracts_registration_number'),
                                       ['registration_number'])
        batch.create_foreign_key(op.f('fk_research_contracts_certificate_id_stored_files'),
                                 'stored_files', ['certificate_id'], ['id'])
        batch.create_check_constraint(
            op.f('ck_research_contracts_registration_whole'),
            '(registration_number IS NULL AND registered_on IS NULL AND registered_value IS NULL'
            ' AND certificate_id IS NULL) OR (registration_number IS NOT NULL AND'
            ' registered_on IS NOT NULL AND registered_value > 0)')


def downgrade() -> None:
    with op.batch_alter_table('research_contracts') as batch:
        batch.drop_constraint(op.f('ck_research_contracts_registration_whole'), type_='check')
        batch.drop_constraint(op.f('fk_research_contracts_certificate_id_stored_files'),
                              type_='foreignkey')
        batch.drop_constraint(op.f('uq_research_contracts_registration_number'), type_='unique')
        batch.drop_column('certificate_id')
        batch.drop_column('registered_value')
        batch.drop_column('registered_on')
        batch.drop_column('registration_number')
