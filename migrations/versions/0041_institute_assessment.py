"""institute assessment: indicators, evidence, the year's funding rule and allocations

Revision ID: 0041
Revises: 0040
Create Date: 2026-11-26 09:03:40

HQ's yearly assessment of its institutes (issue 22): each year's indicators with weights and
targets, the evidence institutes enter (with files) for what the tracker does not hold, the
year's ranking publication, funding pool and rule, and the allocation HQ approved.
"""

from alembic import op
import sqlalchemy as sa
import tracker.db


revision = '0041'
down_revision = '0040'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('assessment_indicators',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('measure', sa.Enum('contracts_signed', 'contracts_received', 'transfer_income', 'service_income', 'companies_incubated', 'financing_raised', 'converted', 'milestones_on_time', 'gates_passed', 'needs_matched', 'new_pms', 'evidence', name='assessment_measure', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('name_en', sa.String(length=200), nullable=True),
    sa.Column('weight', sa.Numeric(precision=8, scale=2), nullable=False),
    sa.Column('target', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.Column('created_at', tracker.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.CheckConstraint('target > 0', name=op.f('ck_assessment_indicators_target_positive')),
    sa.CheckConstraint('weight > 0', name=op.f('ck_assessment_indicators_weight_positive')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assessment_indicators')),
    sa.UniqueConstraint('year', 'name', name=op.f('uq_assessment_indicators_year_name'))
    )
    with op.batch_alter_table('assessment_indicators', schema=None) as batch_op:
        # A year's assessment: its indicators (assessment.services: year = :y).
        batch_op.create_index(batch_op.f('ix_assessment_indicators_year'), ['year'], unique=False)

    op.create_table('assessment_evidence',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('indicator_id', sa.Integer(), nullable=False),
    sa.Column('institute_id', sa.Integer(), nullable=False),
    sa.Column('amount', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('state', sa.Enum('submitted', 'accepted', 'returned', name='evidence_state', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('entered_by_id', sa.Integer(), nullable=False),
    sa.Column('entered_at', tracker.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('opinion', sa.Text(), nullable=False),
    sa.Column('reviewed_by_id', sa.Integer(), nullable=True),
    sa.Column('reviewed_at', tracker.db.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint('amount >= 0', name=op.f('ck_assessment_evidence_amount_not_negative')),
    sa.ForeignKeyConstraint(['entered_by_id'], ['users.id'], name=op.f('fk_assessment_evidence_entered_by_id_users')),
    sa.ForeignKeyConstraint(['indicator_id'], ['assessment_indicators.id'], name=op.f('fk_assessment_evidence_indicator_id_assessment_indicators')),
    sa.ForeignKeyConstraint(['institute_id'], ['institutes.id'], name=op.f('fk_assessment_evidence_institute_id_institutes')),
    sa.ForeignKeyConstraint(['reviewed_by_id'], ['users.id'], name=op.f('fk_assessment_evidence_reviewed_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assessment_evidence'))
    )
    with op.batch_alter_table('assessment_evidence', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assessment_evidence_indicator_id'), ['indicator_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_assessment_evidence_institute_id'), ['institute_id'], unique=False)

    op.create_table('assessment_years',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('ranking_published', sa.Boolean(), nullable=False),
    sa.Column('pool', sa.Numeric(precision=18, scale=2), nullable=True),
    sa.Column('score_share', sa.Numeric(precision=5, scale=2), nullable=False),
    sa.Column('revenue_share', sa.Numeric(precision=5, scale=2), nullable=False),
    sa.Column('floor', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.Column('cap', sa.Numeric(precision=18, scale=2), nullable=True),
    sa.Column('approved_by_id', sa.Integer(), nullable=True),
    sa.Column('approved_at', tracker.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.CheckConstraint('score_share + revenue_share = 100', name=op.f('ck_assessment_years_shares_whole')),
    sa.CheckConstraint('score_share >= 0 AND revenue_share >= 0', name=op.f('ck_assessment_years_shares_not_negative')),
    sa.ForeignKeyConstraint(['approved_by_id'], ['users.id'], name=op.f('fk_assessment_years_approved_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assessment_years')),
    sa.UniqueConstraint('year', name=op.f('uq_assessment_years_year'))
    )
    op.create_table('assessment_allocations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('assessment_id', sa.Integer(), nullable=False),
    sa.Column('institute_id', sa.Integer(), nullable=False),
    sa.Column('score', sa.Numeric(precision=8, scale=2), nullable=False),
    sa.Column('revenue', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.Column('amount', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.CheckConstraint('amount >= 0', name=op.f('ck_assessment_allocations_amount_not_negative')),
    sa.ForeignKeyConstraint(['assessment_id'], ['assessment_years.id'], name=op.f('fk_assessment_allocations_assessment_id_assessment_years'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['institute_id'], ['institutes.id'], name=op.f('fk_assessment_allocations_institute_id_institutes')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assessment_allocations')),
    sa.UniqueConstraint('assessment_id', 'institute_id', name=op.f('uq_assessment_allocations_assessment_id_institute_id'))
    )
    with op.batch_alter_table('assessment_allocations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assessment_allocations_assessment_id'), ['assessment_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_assessment_allocations_institute_id'), ['institute_id'], unique=False)

    op.create_table('assessment_evidence_files',
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('file_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['entry_id'], ['assessment_evidence.id'], name=op.f('fk_assessment_evidence_files_entry_id_assessment_evidence'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['file_id'], ['stored_files.id'], name=op.f('fk_assessment_evidence_files_file_id_stored_files')),
    sa.PrimaryKeyConstraint('entry_id', 'file_id', name=op.f('pk_assessment_evidence_files')),
    sa.UniqueConstraint('file_id', name=op.f('uq_assessment_evidence_files_file_id'))
    )


def downgrade() -> None:
    op.drop_table('assessment_evidence_files')
    with op.batch_alter_table('assessment_allocations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assessment_allocations_institute_id'))
        batch_op.drop_index(batch_op.f('ix_assessment_allocations_assessment_id'))

    op.drop_table('assessment_allocations')
    op.drop_table('assessment_years')
    with op.batch_alter_table('assessment_evidence', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assessment_evidence_institute_id'))
        batch_op.drop_index(batch_op.f('ix_assessment_evidence_indicator_id'))

    op.drop_table('assessment_evidence')
    with op.batch_alter_table('assessment_indicators', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assessment_indicators_year'))

    op.drop_table('assessment_indicators')
