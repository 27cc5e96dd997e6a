"""a shareholder that is an organisation the app knows refers to it, not to its name typed

Revision ID: 0092
Revises: 0091
Create Date: 2026-11-27 11:40:00

Issue 9, point 8: a shareholder's name was stored as typed, so HQ's holding read
江苏省产业技术研究院 on English pages, files and e-mails (the cap table, the companies list,
conversions, which copied HQ's Chinese name, IP deals, incentives, the trail). A holder that is
HQ, an institute, an enterprise, a partner or a user now refers to it (`hq_id`,
`institute_id`, `enterprise_id`, `partner_id`, `user_id`, at most one set) and is named as
that record is, in the reader's language; `name` keeps what was typed.

The holders recorded before are linked where their name is the name of one record only, in
either language, compared as `tracker.names.name_key` compares names (spaces, full-width forms
and case aside; a partner merged into another is not matched); a person's holding is linked to
the user an incentive grant names, else, for a holder of the type team, to the one user of
that name. The others keep their text only. The downgrade drops the references; the names
typed stay.
"""

import unicodedata

import sqlalchemy as sa
from alembic import op

revision = '0092'
down_revision = '0091'
branch_labels = None
depends_on = None

ORGANISATIONS = (('hq_id', 'headquarters'), ('institute_id', 'institutes'),
                 ('enterprise_id', 'enterprises'), ('partner_id', 'partners'))
COLUMNS = ORGANISATIONS + (('user_id', 'users'),)
AT_MOST_ONE = ' + '.join(f'(CASE WHEN {column} IS NULL THEN 0 ELSE 1 END)'
                         for column, _table in COLUMNS) + ' <= 1'


def name_key(text: str | None) -> str:
    """`tracker.names.name_key` as it stands at this revision."""
    return ' '.join(unicodedata.normalize('NFKC', text or '').split()).casefold()


def _link() -> None:
    conn = op.get_bind()
    names: dict[str, set[tuple[str, int]]] = {}
    for column, table in ORGANISATIONS:
        merged = ' WHERE merged_into_id IS NULL' if table == 'partners' else ''
        for row_id, name, name_en in conn.execute(sa.text(
                f'SELECT id, name, name_en FROM {table}{merged}')).all():
            for key in {name_key(name), name_key(name_en)} - {''}:
                names.setdefault(key, set()).add((column, row_id))
    people: dict[str, set[int]] = {}
    for user_id, name in conn.execute(sa.text('SELECT id, name FROM users')).all():
        people.setdefault(name_key(name), set()).add(user_id)
    granted = dict(conn.execute(sa.text(
        'SELECT holder_id, MIN(user_id) FROM incentive_grants WHERE user_id IS NOT NULL '
        'GROUP BY holder_id')).all())
    for holder_id, typed, kind in conn.execute(sa.text(
            'SELECT id, name, kind FROM shareholders ORDER BY id')).all():
        found = names.get(name_key(typed), set())
        if len(found) == 1:
            column, row_id = next(iter(found))
        elif holder_id in granted:
            column, row_id = 'user_id', granted[holder_id]
        elif kind == 'team' and len(people.get(name_key(typed), ())) == 1:
            column, row_id = 'user_id', next(iter(people[name_key(typed)]))
        else:
            continue
        conn.execute(sa.text(f'UPDATE shareholders SET {column} = :r WHERE id = :h'),
                     {'r': row_id, 'h': holder_id})


def upgrade() -> None:
    with op.batch_alter_table('shareholders', schema=None) as batch_op:
        for column, table in COLUMNS:
            batch_op.add_column(sa.Column(column, sa.Integer(), nullable=True))
            batch_op.create_foreign_key(
                batch_op.f(f'fk_shareholders_{column}_{table}'), table, [column], ['id'])
            if column != 'hq_id':
                batch_op.create_index(batch_op.f(f'ix_shareholders_{column}'), [column],
                                      unique=False)
    _link()
    with op.batch_alter_table('shareholders', schema=None) as batch_op:
        batch_op.create_check_constraint(batch_op.f('ck_shareholders_one_reference'),
                                         AT_MOST_ONE)


def downgrade() -> None:
    with op.batch_alter_table('shareholders', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_shareholders_one_reference'), type_='check')
        for column, table in reversed(COLUMNS):
            if column != 'hq_id':
                batch_op.drop_index(batch_op.f(f'ix_shareholders_{column}'))
            batch_op.drop_constraint(batch_op.f(f'fk_shareholders_{column}_{table}'),
                                     type_='foreignkey')
            batch_op.drop_column(column)
