"""the TRL recorded over a project's life, with its evidence; spending against budget lines

Revision ID: 0024
Revises: 0023
Create Date: 2026-11-26 02:38:55.897434
"""

from alembic import op
import sqlalchemy as sa
import tracker.db


revision = '0024'
down_revision = '0023'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('spending_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('budget_line_id', sa.Integer(), nullable=False),
    sa.Column('spent_on', sa.Date(), nullable=False),
    sa.Column('amount', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.Column('description', sa.String(length=500), nullable=False),
    sa.Column('voucher_id', sa.Integer(), nullable=True),
    sa.Column('recorded_by_id', sa.Integer(), nullable=False),
    sa.Column('recorded_at', tracker.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('amount > 0', name=op.f('ck_spending_entries_amount_positive')),
    sa.ForeignKeyConstraint(['budget_line_id'], ['budget_lines.id'], name=op.f('fk_spending_entries_budget_line_id_budget_lines'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_spending_entries_project_id_projects'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_spending_entries_recorded_by_id_users')),
    sa.ForeignKeyConstraint(['voucher_id'], ['stored_files.id'], name=op.f('fk_spending_entries_voucher_id_stored_files')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_spending_entries'))
    )
    with op.batch_alter_table('spending_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_spending_entries_budget_line_id'), ['budget_line_id'], unique=False)
        # A project's spending, and the HQ list's sums by project and year (spending).
        batch_op.create_index('ix_spending_entries_project_spent_on', ['project_id', 'spent_on'], unique=False)

    op.create_table('trl_records',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('level', sa.Integer(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('file_id', sa.Integer(), nullable=True),
    sa.Column('recorded_by_id', sa.Integer(), nullable=False),
    sa.Column('recorded_at', tracker.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('level BETWEEN 1 AND 9', name=op.f('ck_trl_records_level_range')),
    sa.ForeignKeyConstraint(['file_id'], ['stored_files.id'], name=op.f('fk_trl_records_file_id_stored_files')),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_trl_records_project_id_projects'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_trl_records_recorded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_trl_records'))
    )
    with op.batch_alter_table('trl_records', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_trl_records_project_id'), ['project_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('trl_records', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_trl_records_project_id'))

    op.drop_table('trl_records')
    with op.batch_alter_table('spending_entries', schema=None) as batch_op:
        batch_op.drop_index('ix_spending_entries_project_spent_on')
        batch_op.drop_index(batch_op.f('ix_spending_entries_budget_line_id'))

    op.drop_table('spending_entries')
