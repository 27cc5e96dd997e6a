"""indexes for the queries that read every need, condition or project to find a few

Revision ID: 0108
Revises: 0107
Create Date: 2026-11-28 19:40:00

Issue 21 point 3. bench/explain.py EXPLAINs every statement of the benchmarked pages and a
reminder scan on the bench data set (PostgreSQL: 10,000 projects, 100,000 milestones, 3,000
needs, 5,000 contracts, 1,135 users); the foreign keys without an index were checked against
the queries that filter on them. Each index below names the query it serves, which read its
whole table without it: the needs' and role_grants' in the bench's plans (the needs_stale rule,
a director's annual report, the dashboard's needs contracted, the scan's role holders), the
conditions' where the data set has too few rows to show it (tests/test_indexes_served.py).
"""

from alembic import op

revision = '0108'
down_revision = '0107'
branch_labels = None
depends_on = None

INDEXES = {
    'technology_needs': [
        # TechnologyNeed.visible_to: a director's or PM's needs (institute_id IN ...), an
        # enterprise contact's (enterprise_id = ...), a centre liaison's (centre_id IN ...):
        # the needs list, the needs API, the annual report and assessment of an institute.
        ('ix_technology_needs_institute_id', ['institute_id']),
        # The enterprise's page: its needs (organisations.views, enterprise_id = ...).
        ('ix_technology_needs_enterprise_id', ['enterprise_id']),
        # The centre's page: the needs submitted through it (centre_id = ...).
        ('ix_technology_needs_centre_id', ['centre_id']),
        # The needs_stale reminder rule (tracker/reminders/need_items.py): state IN (open
        # states) AND state_since < the scan's day.
        ('ix_technology_needs_state_since', ['state', 'state_since']),
    ],
    'projects': [
        # A need's page, its projects (needs.services.projects_of: need_id = ...); the needs
        # contracted (needs.contracted, the dashboard, the annual report: need_id IS NOT NULL).
        ('ix_projects_need_id', ['need_id']),
    ],
    'role_grants': [
        # The holders of a role (role = ...): the reminder scan's recipients who hold it (HQ
        # admins, the investment committee: reminders.scan), the panel's choice of evaluators
        # (gates.views._evaluators), the PMs a project may be handed to (changes.views._managers),
        # the users list's role filter. Seen in the scan's plan at full size.
        ('ix_role_grants_role', ['role']),
    ],
    'conditions': [
        # GateDecision.conditions (decision_id IN ...): the review page, the decision's
        # documents, the project page's gates.
        ('ix_conditions_decision_id', ['decision_id']),
    ],
}


def upgrade() -> None:
    for table, indexes in INDEXES.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name, columns in indexes:
                batch_op.create_index(name, columns, unique=False)


def downgrade() -> None:
    for table, indexes in INDEXES.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name, _columns in indexes:
                batch_op.drop_index(name)
