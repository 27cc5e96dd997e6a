"""the achievement and IP register (成果与知识产权)

Revision ID: 0050
Revises: 0049
Create Date: 2026-11-26 14:42:53

`achievements`: a project's results, with their contributors and shares
(`achievement_contributors`, a user or a person named, shares adding up to 100 %);
`ip_rights`: patents and applications (invention, utility model, design), software copyrights
and know-how, with number, jurisdiction, status, filing and grant dates and attorney costs;
`patent_annuities`: each patent's annual fees, due and paid (reminder rule `patent_annuity`).
"""

import sqlalchemy as sa
from alembic import op

import tracker.db

revision = '0050'
down_revision = '0049'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('achievements',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', tracker.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_achievements_created_by_id_users')),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_achievements_project_id_projects')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_achievements'))
    )
    with op.batch_alter_table('achievements', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_achievements_project_id'), ['project_id'], unique=False)

    op.create_table('achievement_contributors',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('achievement_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('share_pct', sa.Numeric(precision=5, scale=2), nullable=False),
    sa.CheckConstraint('share_pct > 0 AND share_pct <= 100', name=op.f('ck_achievement_contributors_share_range')),
    sa.ForeignKeyConstraint(['achievement_id'], ['achievements.id'], name=op.f('fk_achievement_contributors_achievement_id_achievements'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_achievement_contributors_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_achievement_contributors'))
    )
    with op.batch_alter_table('achievement_contributors', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_achievement_contributors_achievement_id'), ['achievement_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_achievement_contributors_user_id'), ['user_id'], unique=False)

    op.create_table('ip_rights',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('achievement_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('patent', 'software', 'know_how', name='right_kind', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('patent_type', sa.Enum('invention', 'utility_model', 'design', name='patent_type', native_enum=False, create_constraint=True), nullable=True),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('number', sa.String(length=50), nullable=False),
    sa.Column('jurisdiction', sa.String(length=20), nullable=False),
    sa.Column('status', sa.Enum('filed', 'granted', 'lapsed', 'abandoned', name='right_status', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('filed_on', sa.Date(), nullable=True),
    sa.Column('granted_on', sa.Date(), nullable=True),
    sa.Column('attorney_costs', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.Column('created_at', tracker.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.CheckConstraint("kind <> 'patent' OR patent_type IS NOT NULL", name=op.f('ck_ip_rights_patent_has_type')),
    sa.CheckConstraint('attorney_costs >= 0', name=op.f('ck_ip_rights_attorney_costs_not_negative')),
    sa.ForeignKeyConstraint(['achievement_id'], ['achievements.id'], name=op.f('fk_ip_rights_achievement_id_achievements')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ip_rights'))
    )
    with op.batch_alter_table('ip_rights', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ip_rights_achievement_id'), ['achievement_id'], unique=False)

    op.create_table('patent_annuities',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('right_id', sa.Integer(), nullable=False),
    sa.Column('year_no', sa.Integer(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('fee', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.Column('paid_on', sa.Date(), nullable=True),
    sa.Column('paid_amount', sa.Numeric(precision=18, scale=2), nullable=True),
    sa.Column('recorded_by_id', sa.Integer(), nullable=False),
    sa.CheckConstraint('fee >= 0', name=op.f('ck_patent_annuities_fee_not_negative')),
    sa.CheckConstraint('paid_amount IS NULL OR paid_amount >= 0', name=op.f('ck_patent_annuities_paid_not_negative')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_patent_annuities_recorded_by_id_users')),
    sa.ForeignKeyConstraint(['right_id'], ['ip_rights.id'], name=op.f('fk_patent_annuities_right_id_ip_rights'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_patent_annuities'))
    )
    with op.batch_alter_table('patent_annuities', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_patent_annuities_right_id'), ['right_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('patent_annuities', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_patent_annuities_right_id'))

    op.drop_table('patent_annuities')
    with op.batch_alter_table('ip_rights', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ip_rights_achievement_id'))

    op.drop_table('ip_rights')
    with op.batch_alter_table('achievement_contributors', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_achievement_contributors_user_id'))
        batch_op.drop_index(batch_op.f('ix_achievement_contributors_achievement_id'))

    op.drop_table('achievement_contributors')
    with op.batch_alter_table('achievements', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_achievements_project_id'))

    op.drop_table('achievements')
