"""the planner's statistics of the searched columns as the searches fold them

Revision ID: 0093
Revises: 0092
Create Date: 2026-11-27 14:50:00

Issue 21 (every page fast at full size). A search compares each column folded
(`tracker.search.folded`: on PostgreSQL `lower(CASE WHEN c IS NFKC NORMALIZED THEN c ELSE
normalize(c, NFKC) END)`), an expression PostgreSQL had no statistics of: it guessed that 2 of
the 10,000 projects match any search, so the project list's search (`?q=`, code or title) and
its field's words (`?field=`), the dashboard's field and the overdue list's field and PM read
every project, folded each and sorted the matches, where reading the newest first through
ix_projects_year_seq stops once the page is full (EXPLAIN ANALYZE of ?q=Project 12 on the
benchmark's data: 21.6 ms with lower(normalize(...)) and no statistics, 3.1 ms now).
Statistics on an expression (PostgreSQL 14) are gathered by ANALYZE like a column's and cost
nothing on writes, unlike an index no LIKE '%...%' could use. One for each column those pages
search: projects' code, title and field, users' name (the PM). SQLite has no such statistics.
"""

from alembic import op

revision = '0093'
down_revision = '0092'
branch_labels = None
depends_on = None

# (statistics, table, column): the expression must be the one `tracker.search.folded`
# compiles to, or the planner does not match it (tests/test_search_folding.py checks).
FOLDED = [
    ("st_projects_code_folded", "projects", "code"),
    ("st_projects_title_folded", "projects", "title"),
    ("st_projects_field_folded", "projects", "field"),
    ("st_users_name_folded", "users", "name"),
]


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for name, table, column in FOLDED:
        op.execute(f"CREATE STATISTICS {name} ON (lower(CASE WHEN {column} IS NFKC NORMALIZED "
                   f"THEN {column} ELSE normalize({column}, NFKC) END)) FROM {table}")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for name, _, _ in FOLDED:
        op.execute(f"DROP STATISTICS {name}")
