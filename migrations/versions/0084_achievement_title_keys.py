"""an achievement's title is listed once in its project

Revision ID: 0084
Revises: 0083
Create Date: 2026-11-27 09:00:00

Issue 16, T30 (found by a newcomer): two achievements of one project could share a title, and
the imports, which find an achievement again by its project and title, took the first.

`achievements.title_key` is the title as compared (`tracker.achievements.models.title_key`,
frozen here as it stands: `tracker.names.name_key`, spaces collapsed, full-width folded, case
ignored), unique with the project; None for a withdrawn achievement, whose title is free again.

Titles already recorded twice in a project: the oldest keeps its title; each later one is
renamed with a number, "Title (2)", "Title (3)", ..., the first free in its project, and the
migration prints each renaming (the history of each record keeps its old title in its audit
record). The downgrade drops the key and its index; the titles stay as renamed.
"""

import unicodedata

import sqlalchemy as sa
from alembic import op

revision = '0084'
down_revision = '0083'
branch_labels = None
depends_on = None

LENGTH = 200  # achievements.title and title_key


def title_key(title: str | None) -> str | None:
    """`tracker.achievements.models.title_key` as it stands at this revision."""
    key = " ".join(unicodedata.normalize("NFKC", title or "").split()).casefold()
    return key[:LENGTH] or None


def renamed(title: str, n: int) -> str:
    """`title` (its spaces collapsed, as the form saves it) numbered `n`, within the column."""
    suffix = f" ({n})"
    return " ".join(title.split())[:LENGTH - len(suffix)] + suffix


def upgrade() -> None:
    conn = op.get_bind()
    with op.batch_alter_table('achievements', schema=None) as batch_op:
        batch_op.add_column(sa.Column('title_key', sa.String(length=LENGTH), nullable=True))
    rows = conn.execute(sa.text(
        'SELECT id, project_id, title, withdrawn_at FROM achievements ORDER BY id')).all()
    taken: dict[tuple[int, str], int] = {}
    for _id, project_id, title, withdrawn_at in rows:
        if withdrawn_at is None and (key := title_key(title)) is not None:
            taken.setdefault((project_id, key), _id)
    for achievement_id, project_id, title, withdrawn_at in rows:
        key = title_key(title)
        if withdrawn_at is not None or key is None:
            continue
        if taken[(project_id, key)] != achievement_id:
            n = 2
            while (project_id, title_key(renamed(title, n))) in taken:
                n += 1
            new_title = renamed(title, n)
            key = title_key(new_title)
            taken[(project_id, key)] = achievement_id
            print(f'0084: achievements {achievement_id} had the title of achievements '
                  f'{taken[(project_id, title_key(title))]} in its project: now "{new_title}"')
            conn.execute(sa.text('UPDATE achievements SET title = :title WHERE id = :id'),
                         {'title': new_title, 'id': achievement_id})
        conn.execute(sa.text('UPDATE achievements SET title_key = :key WHERE id = :id'),
                     {'key': key, 'id': achievement_id})
    with op.batch_alter_table('achievements', schema=None) as batch_op:
        batch_op.create_index('uq_achievements_project_title_key', ['project_id', 'title_key'],
                              unique=True)


def downgrade() -> None:
    with op.batch_alter_table('achievements', schema=None) as batch_op:
        batch_op.drop_index('uq_achievements_project_title_key')
        batch_op.drop_column('title_key')
