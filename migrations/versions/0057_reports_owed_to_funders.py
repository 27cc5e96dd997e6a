"""reports owed to funders

Revision ID: 0057
Revises: 0056
Create Date: 2026-11-26 19:00:00

Reports an allocation-investment agreement or a research contract owes its funders (issue 16,
point 4): each obligation (kind, due date, recipient; withdrawn with a reason, never deleted)
and the reports submitted under it (a corrected file replaces the one before with a reason).
"""

from alembic import op
import sqlalchemy as sa
import tracker.db


revision = '0057'
down_revision = '0056'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('report_obligations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('funding_agreement_id', sa.Integer(), nullable=True),
    sa.Column('contract_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.Enum('progress', 'financial', 'final', name='report_kind', native_enum=False, create_constraint=True, length=9), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('recipient', sa.String(length=200), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('withdrawn_at', tracker.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('withdrawn_reason', sa.Text(), nullable=True),
    sa.Column('recorded_by_id', sa.Integer(), nullable=False),
    sa.Column('recorded_at', tracker.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.CheckConstraint('(funding_agreement_id IS NULL) <> (contract_id IS NULL)', name=op.f('ck_report_obligations_one_subject')),
    sa.ForeignKeyConstraint(['contract_id'], ['research_contracts.id'], name=op.f('fk_report_obligations_contract_id_research_contracts')),
    sa.ForeignKeyConstraint(['funding_agreement_id'], ['funding_agreements.id'], name=op.f('fk_report_obligations_funding_agreement_id_funding_agreements')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_report_obligations_recorded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_obligations'))
    )
    with op.batch_alter_table('report_obligations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_obligations_contract_id'), ['contract_id'], unique=False)
        # The reports owed: the to-do lists (web.work: due_on <= :duties_until ORDER BY due_on)
        # and the list of reports owed under an agreement or a contract (obligations.queries).
        batch_op.create_index(batch_op.f('ix_report_obligations_due_on'), ['due_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_report_obligations_funding_agreement_id'), ['funding_agreement_id'], unique=False)

    op.create_table('report_submissions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('obligation_id', sa.Integer(), nullable=False),
    sa.Column('file_id', sa.Integer(), nullable=False),
    sa.Column('submitted_on', sa.Date(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('submitted_by_id', sa.Integer(), nullable=False),
    sa.Column('submitted_at', tracker.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['file_id'], ['stored_files.id'], name=op.f('fk_report_submissions_file_id_stored_files')),
    sa.ForeignKeyConstraint(['obligation_id'], ['report_obligations.id'], name=op.f('fk_report_submissions_obligation_id_report_obligations')),
    sa.ForeignKeyConstraint(['submitted_by_id'], ['users.id'], name=op.f('fk_report_submissions_submitted_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_submissions'))
    )
    with op.batch_alter_table('report_submissions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_submissions_obligation_id'), ['obligation_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('report_submissions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_report_submissions_obligation_id'))
    op.drop_table('report_submissions')
    with op.batch_alter_table('report_obligations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_report_obligations_funding_agreement_id'))
        batch_op.drop_index(batch_op.f('ix_report_obligations_due_on'))
        batch_op.drop_index(batch_op.f('ix_report_obligations_contract_id'))
    op.drop_table('report_obligations')
