"""an evaluator corrects their own scorecard or declaration until the panel decides

Revision ID: 0090
Revises: 0089
Create Date: 2026-11-27 12:00:00

Issue 9 point 5: an evaluator's submitted scores and their declaration of interests had no
correction. Each place on a panel now carries a version (a correction made on a stale copy is
refused), and `panel_corrections` keeps each correction's reason and what it replaced (the
declaration, the recommendation, the comment and the scores as they were). Every existing
place starts at version 1, with no correction.
"""

import sqlalchemy as sa
from alembic import op

import tracker.db

revision = '0090'
down_revision = '0089'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('panel_members', schema=None) as batch_op:
        batch_op.add_column(sa.Column('version', sa.Integer(), server_default='1',
                                      nullable=False))
    op.create_table(
        'panel_corrections',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('member_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.Enum('scores', 'declaration', name='correction_kind',
                                  native_enum=False, create_constraint=True, length=11),
                  nullable=False),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.Column('corrected_at', tracker.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('earlier', sa.JSON(), nullable=False),
        sa.CheckConstraint("reason <> ''", name=op.f('ck_panel_corrections_reason_given')),
        sa.ForeignKeyConstraint(['member_id'], ['panel_members.id'],
                                name=op.f('fk_panel_corrections_member_id_panel_members'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_panel_corrections')))
    op.create_index(op.f('ix_panel_corrections_member_id'), 'panel_corrections', ['member_id'])


def downgrade() -> None:
    # The older schema has no place for a correction's reason and the scorecard it replaced:
    # refuse rather than lose them.
    if op.get_bind().scalar(sa.text("SELECT count(*) FROM panel_corrections")):
        raise RuntimeError("panel_corrections holds evaluators' corrections, which revision "
                           "0089 cannot represent: downgrade refused")
    op.drop_index(op.f('ix_panel_corrections_member_id'), table_name='panel_corrections')
    op.drop_table('panel_corrections')
    with op.batch_alter_table('panel_members', schema=None) as batch_op:
        batch_op.drop_column('version')
