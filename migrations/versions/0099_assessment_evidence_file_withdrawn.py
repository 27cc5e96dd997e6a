"""a file attached to assessment evidence by mistake is withdrawn from it by a correction

Revision ID: 0099
Revises: 0098
Create Date: 2026-11-27 21:30:00

Issue 9 point 5: a wrongly attached file on an institute's assessment evidence could be taken
off only by withdrawing the whole entry. As a progress post's files (`evidence`), a file of an
entry is now withdrawn from it by the entry's correction, with the reason
(`tracker.files.attached`): the link stays, marked (when, why, by whom), the file stays stored
and readable by who may see the entry, and the entry's history names it. The downgrade refuses
while a file is withdrawn: the older schema would show it as the entry's evidence again.
"""

import sqlalchemy as sa
from alembic import op

import tracker.db

revision = '0099'
down_revision = '0098'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('assessment_evidence_files', schema=None) as batch_op:
        batch_op.add_column(sa.Column('voided_at', tracker.db.UTCDateTime(timezone=True),
                                      nullable=True))
        batch_op.add_column(sa.Column('void_reason', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('voided_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_assessment_evidence_files_voided_by_id_users'),
                                    'users', ['voided_by_id'], ['id'])
        batch_op.create_check_constraint(
            op.f('ck_assessment_evidence_files_void_whole'),
            "(voided_at IS NULL AND void_reason IS NULL AND voided_by_id IS NULL) OR "
            "(voided_at IS NOT NULL AND void_reason IS NOT NULL AND voided_by_id IS NOT NULL)")


def downgrade() -> None:
    withdrawn = op.get_bind().scalar(sa.text(
        "SELECT count(*) FROM assessment_evidence_files WHERE voided_at IS NOT NULL"))
    if withdrawn:
        raise RuntimeError(f"assessment_evidence_files holds {withdrawn} withdrawn files, which "
                           "revision 0098 would show as evidence again: downgrade refused")
    with op.batch_alter_table('assessment_evidence_files', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_assessment_evidence_files_void_whole'), type_='check')
        batch_op.drop_constraint(batch_op.f('fk_assessment_evidence_files_voided_by_id_users'),
                                 type_='foreignkey')
        batch_op.drop_column('voided_by_id')
        batch_op.drop_column('void_reason')
        batch_op.drop_column('voided_at')
