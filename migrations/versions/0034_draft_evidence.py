"""files accepted for a progress post that was refused wait in draft_evidence

Revision ID: 0034
Revises: 0033
Create Date: 2026-11-26 06:25:00

A progress post with seven photos from a phone refused for one of them (or for its percentage)
keeps the files already accepted: they wait, by milestone and author, for the next post.
"""

from alembic import op
import sqlalchemy as sa


revision = '0034'
down_revision = '0033'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'draft_evidence',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('milestone_id', sa.Integer(), nullable=False),
        sa.Column('author_id', sa.Integer(), nullable=False),
        sa.Column('file_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['author_id'], ['users.id'],
                                name=op.f('fk_draft_evidence_author_id_users')),
        sa.ForeignKeyConstraint(['file_id'], ['stored_files.id'],
                                name=op.f('fk_draft_evidence_file_id_stored_files')),
        sa.ForeignKeyConstraint(['milestone_id'], ['milestones.id'], ondelete='CASCADE',
                                name=op.f('fk_draft_evidence_milestone_id_milestones')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_draft_evidence')),
        sa.UniqueConstraint('file_id', name=op.f('uq_draft_evidence_file_id')),
    )
    with op.batch_alter_table('draft_evidence', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_draft_evidence_milestone_id'), ['milestone_id'],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table('draft_evidence', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_draft_evidence_milestone_id'))
    op.drop_table('draft_evidence')
