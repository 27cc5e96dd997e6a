"""the project-manager register

Revision ID: 0058
Revises: 0057
Create Date: 2026-11-26 19:05:00

Issue 15, point 4: a record per person HQ considers as a project manager (candidate,
interviewed, appointed, not appointed, ended), their interviews and panels, their terms of
appointment (a renewal names the term it renews), their technical fields, and PM teams.
New tables only: the downgrade drops them.
"""

import sqlalchemy as sa
from alembic import op

import tracker.db

revision = '0058'
down_revision = '0057'
branch_labels = None
depends_on = None


def _enum(name: str, length: int, *values: str) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True, length=length)


def upgrade() -> None:
    op.create_table(
        'pm_records',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=100), nullable=False),
        sa.Column('email', sa.String(length=254), nullable=False),
        sa.Column('origin', _enum('pm_origin', 10, 'overseas', 'domestic', 'enterprise'),
                  nullable=False),
        sa.Column('institute_id', sa.Integer(), nullable=True),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.Column('state', _enum('pm_state', 13, 'candidate', 'interviewed', 'appointed',
                                 'not_appointed', 'ended'), nullable=False),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.Column('note', sa.Text(), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=False),
        sa.Column('created_at', tracker.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('version', sa.Integer(), server_default='1', nullable=False),
        sa.ForeignKeyConstraint(['created_by_id'], ['users.id'],
                                name=op.f('fk_pm_records_created_by_id_users')),
        sa.ForeignKeyConstraint(['institute_id'], ['institutes.id'],
                                name=op.f('fk_pm_records_institute_id_institutes')),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'],
                                name=op.f('fk_pm_records_user_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_pm_records')),
        sa.UniqueConstraint('user_id', name=op.f('uq_pm_records_user_id')))
    op.create_index(op.f('ix_pm_records_institute_id'), 'pm_records', ['institute_id'])
    op.create_table(
        'pm_record_fields',
        sa.Column('record_id', sa.Integer(), nullable=False),
        sa.Column('field_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['field_id'], ['technical_fields.id'],
                                name=op.f('fk_pm_record_fields_field_id_technical_fields')),
        sa.ForeignKeyConstraint(['record_id'], ['pm_records.id'], ondelete='CASCADE',
                                name=op.f('fk_pm_record_fields_record_id_pm_records')),
        sa.PrimaryKeyConstraint('record_id', 'field_id', name=op.f('pk_pm_record_fields')))
    op.create_table(
        'pm_interviews',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('record_id', sa.Integer(), nullable=False),
        sa.Column('held_on', sa.Date(), nullable=False),
        sa.Column('outcome', _enum('pm_interview_outcome', 15, 'recommended', 'not_recommended',
                                   'another_round'), nullable=False),
        sa.Column('notes', sa.Text(), nullable=False),
        sa.Column('recorded_by_id', sa.Integer(), nullable=False),
        sa.Column('recorded_at', tracker.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['record_id'], ['pm_records.id'], ondelete='CASCADE',
                                name=op.f('fk_pm_interviews_record_id_pm_records')),
        sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'],
                                name=op.f('fk_pm_interviews_recorded_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_pm_interviews')))
    op.create_index(op.f('ix_pm_interviews_record_id'), 'pm_interviews', ['record_id'])
    op.create_table(
        'pm_interview_panel',
        sa.Column('interview_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['interview_id'], ['pm_interviews.id'], ondelete='CASCADE',
                                name=op.f('fk_pm_interview_panel_interview_id_pm_interviews')),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'],
                                name=op.f('fk_pm_interview_panel_user_id_users')),
        sa.PrimaryKeyConstraint('interview_id', 'user_id', name=op.f('pk_pm_interview_panel')))
    op.create_table(
        'pm_terms',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('record_id', sa.Integer(), nullable=False),
        sa.Column('institute_id', sa.Integer(), nullable=False),
        sa.Column('starts_on', sa.Date(), nullable=False),
        sa.Column('ends_on', sa.Date(), nullable=False),
        sa.Column('appointed_at', tracker.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('renews_id', sa.Integer(), nullable=True),
        sa.Column('ended_on', sa.Date(), nullable=True),
        sa.Column('recorded_by_id', sa.Integer(), nullable=False),
        sa.CheckConstraint('ends_on > starts_on', name=op.f('ck_pm_terms_term_in_order')),
        sa.CheckConstraint('ended_on IS NULL OR ended_on >= starts_on',
                           name=op.f('ck_pm_terms_ended_in_term')),
        sa.ForeignKeyConstraint(['institute_id'], ['institutes.id'],
                                name=op.f('fk_pm_terms_institute_id_institutes')),
        sa.ForeignKeyConstraint(['record_id'], ['pm_records.id'], ondelete='CASCADE',
                                name=op.f('fk_pm_terms_record_id_pm_records')),
        sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'],
                                name=op.f('fk_pm_terms_recorded_by_id_users')),
        sa.ForeignKeyConstraint(['renews_id'], ['pm_terms.id'],
                                name=op.f('fk_pm_terms_renews_id_pm_terms')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_pm_terms')),
        sa.UniqueConstraint('renews_id', name=op.f('uq_pm_terms_renews_id')))
    op.create_index(op.f('ix_pm_terms_record_id'), 'pm_terms', ['record_id'])
    op.create_index(op.f('ix_pm_terms_institute_id'), 'pm_terms', ['institute_id'])
    # The pm_term_end reminder rule (pms.reminders: ends_on within its window).
    op.create_index(op.f('ix_pm_terms_ends_on'), 'pm_terms', ['ends_on'])
    op.create_table(
        'pm_teams',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('lead_id', sa.Integer(), nullable=False),
        sa.Column('created_at', tracker.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('version', sa.Integer(), server_default='1', nullable=False),
        sa.ForeignKeyConstraint(['lead_id'], ['pm_records.id'],
                                name=op.f('fk_pm_teams_lead_id_pm_records')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_pm_teams')),
        sa.UniqueConstraint('name', name=op.f('uq_pm_teams_name')))
    op.create_index(op.f('ix_pm_teams_lead_id'), 'pm_teams', ['lead_id'])
    op.create_table(
        'pm_team_members',
        sa.Column('team_id', sa.Integer(), nullable=False),
        sa.Column('record_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['record_id'], ['pm_records.id'],
                                name=op.f('fk_pm_team_members_record_id_pm_records')),
        sa.ForeignKeyConstraint(['team_id'], ['pm_teams.id'], ondelete='CASCADE',
                                name=op.f('fk_pm_team_members_team_id_pm_teams')),
        sa.PrimaryKeyConstraint('team_id', 'record_id', name=op.f('pk_pm_team_members')))


def downgrade() -> None:
    op.drop_table('pm_team_members')
    op.drop_index(op.f('ix_pm_teams_lead_id'), table_name='pm_teams')
    op.drop_table('pm_teams')
    op.drop_index(op.f('ix_pm_terms_ends_on'), table_name='pm_terms')
    op.drop_index(op.f('ix_pm_terms_institute_id'), table_name='pm_terms')
    op.drop_index(op.f('ix_pm_terms_record_id'), table_name='pm_terms')
    op.drop_table('pm_terms')
    op.drop_table('pm_interview_panel')
    op.drop_index(op.f('ix_pm_interviews_record_id'), table_name='pm_interviews')
    op.drop_table('pm_interviews')
    op.drop_table('pm_record_fields')
    op.drop_index(op.f('ix_pm_records_institute_id'), table_name='pm_records')
    op.drop_table('pm_records')
