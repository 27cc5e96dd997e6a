"""official documents: HQ's wording of each kind, and every document issued

Revision ID: 0046
Revises: 0045
Create Date: 2026-11-26 11:56:46

The approval notice (立项通知书), review opinion form (评审意见表), acceptance certificate
(验收证书) and task agreement (任务书) are issued as PDF (issue 23, point 6). HQ keeps the
letterhead and wording of each kind in both languages (document_templates); each document
issued keeps its number, its language and what it printed (content), and names its PDF, a
stored file of the project, with the file's SHA-256.
"""

from alembic import op
import sqlalchemy as sa
import tracker.db


revision = '0046'
down_revision = '0045'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('document_templates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('approval_notice', 'review_opinion', 'acceptance_certificate', 'task_agreement', name='document_kind', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('letterhead', sa.String(length=200), nullable=False),
    sa.Column('letterhead_en', sa.String(length=200), nullable=False),
    sa.Column('title', sa.String(length=100), nullable=False),
    sa.Column('title_en', sa.String(length=100), nullable=False),
    sa.Column('opening', sa.Text(), nullable=False),
    sa.Column('opening_en', sa.Text(), nullable=False),
    sa.Column('closing', sa.Text(), nullable=False),
    sa.Column('closing_en', sa.Text(), nullable=False),
    sa.Column('issuer', sa.String(length=200), nullable=False),
    sa.Column('issuer_en', sa.String(length=200), nullable=False),
    sa.Column('updated_at', tracker.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_document_templates')),
    sa.UniqueConstraint('kind', name=op.f('uq_document_templates_kind'))
    )
    op.create_table('official_documents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('approval_notice', 'review_opinion', 'acceptance_certificate', 'task_agreement', name='official_document_kind', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('decision_id', sa.Integer(), nullable=True),
    sa.Column('number', sa.String(length=60), nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('language', sa.String(length=10), nullable=False),
    sa.Column('content', sa.JSON(), nullable=False),
    sa.Column('file_id', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('issued_by_id', sa.Integer(), nullable=False),
    sa.Column('issued_at', tracker.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("language IN ('zh_CN', 'en')", name=op.f('ck_official_documents_language_known')),
    sa.ForeignKeyConstraint(['decision_id'], ['gate_decisions.id'], name=op.f('fk_official_documents_decision_id_gate_decisions')),
    sa.ForeignKeyConstraint(['file_id'], ['stored_files.id'], name=op.f('fk_official_documents_file_id_stored_files')),
    sa.ForeignKeyConstraint(['issued_by_id'], ['users.id'], name=op.f('fk_official_documents_issued_by_id_users')),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_official_documents_project_id_projects')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_official_documents')),
    sa.UniqueConstraint('file_id', name=op.f('uq_official_documents_file_id')),
    sa.UniqueConstraint('number', name=op.f('uq_official_documents_number'))
    )
    with op.batch_alter_table('official_documents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_official_documents_decision_id'), ['decision_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_official_documents_project_id'), ['project_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('official_documents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_official_documents_project_id'))
        batch_op.drop_index(batch_op.f('ix_official_documents_decision_id'))

    op.drop_table('official_documents')
    op.drop_table('document_templates')
