"""codes typed full width, stored before they were read in their usual form

Revision ID: 0114
Revises: 0113
Create Date: 2026-11-29 22:30:00

Issue 13. Since bbeaf9f1 a code, a credit code and an e-mail typed by a Chinese input method in
full-width ASCII (ＳＩＴＩ－ＡＩ, ９１３１…, Ｌｉ＠…, the full-width space) are read in their
usual form on the way in (`tracker.names.half_width`), by the forms and the import alike; the
contract's number too since this revision. Those stored before were kept as typed, and match
nothing typed since: a file giving SITI-AI finds no ＳＩＴＩ－ＡＩ and makes a second
institute, a user types li@siti.cn and is not ｌｉ＠ｓｉｔｉ．ｃｎ. Each is converted here as
it is read now: the institutes' and the projects' codes, every credit code (institutes,
enterprises, companies, partners), the users' and the PM register's e-mails, the contracts'
numbers. Names stay as written, as on the way in.

If converting would make two rows equal on a unique key (ＳＩＴＩ－ＡＩ beside a SITI-AI
recorded since; a contract's number within its institute), the upgrade fails, naming every
such pair, and changes nothing: which of the two is the record is for HQ to say (merge or
rename one in the tracker), not for a migration to guess.

The downgrade changes nothing back: which codes were typed full width is not kept, and their
usual form is what every version since bbeaf9f1 reads.
"""

import sqlalchemy as sa
from alembic import op

revision = '0114'
down_revision = '0113'
branch_labels = None
depends_on = None

# Full-width ASCII and the full-width space, each to its usual form: `tracker.names.half_width`
# as this revision reads it (a migration keeps its own copy: the app's may change since).
HALF_WIDTH = {**{c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)}, 0x3000: 0x20}


def _code(text):
    return text.translate(HALF_WIDTH).strip()


def _credit_code(text):  # `uscc.normalise`: no space is part of it, in capitals
    return ''.join(text.translate(HALF_WIDTH).split()).upper()


def _email(text):  # `accounts.normalise_email`
    return text.translate(HALF_WIDTH).strip().lower()


# (table, column, how it is read now, the query of (id, the rest of its unique key, value):
# the key is the value alone where the rest is NULL, none where the column is unique nowhere)
CONVERTED = (
    ('institutes', 'code', _code, 'SELECT id, NULL, code FROM institutes'),
    ('projects', 'code', _code, 'SELECT id, NULL, code FROM projects'),
    ('institutes', 'uscc', _credit_code, 'SELECT id, NULL, uscc FROM institutes'),
    ('enterprises', 'uscc', _credit_code, 'SELECT id, NULL, uscc FROM enterprises'),
    ('companies', 'uscc', _credit_code, 'SELECT id, NULL, uscc FROM companies'),
    ('partners', 'uscc', _credit_code, 'SELECT id, NULL, uscc FROM partners'),
    ('users', 'email', _email, 'SELECT id, NULL, email FROM users'),
    ('pm_records', 'email', _email, None),
    # a contract's number is unique within its project's institute (the service's rule)
    ('research_contracts', 'number', _code,
     'SELECT c.id, p.institute_id, c.number FROM research_contracts c '
     'JOIN projects p ON p.id = c.project_id'),
)


def _changed(conn, table, column, read, keyed):
    """{id: (before, after)} of the column's values typed full width, as they are read now,
    and the collisions they would make on its unique key, each said in a line."""
    query = keyed or f'SELECT id, NULL, {column} FROM {table}'
    rows = conn.execute(sa.text(query)).all()
    changed = {i: (value, read(value)) for i, _scope, value in rows  # typed full width
               if value is not None and value.translate(HALF_WIDTH) != value}
    holders = {}
    for i, scope, value in rows:
        if value is not None:
            holders.setdefault((scope, changed[i][1] if i in changed else value), []).append(i)
    said = []
    for (_scope, after), ids in holders.items():
        if keyed is not None and len(ids) > 1 and any(i in changed for i in ids):
            rows_said = ' and '.join(f'row {i} ({(changed[i][0] if i in changed else after)!r})'
                                     for i in sorted(ids))
            said.append(f'{table}.{column}: {rows_said} would all read {after!r}')
    return changed, said


def upgrade() -> None:
    conn = op.get_bind()
    found = [(table, column, *_changed(conn, table, column, read, keyed))
             for table, column, read, keyed in CONVERTED]
    collisions = [line for *_named, _changed_rows, said in found for line in said]
    if collisions:
        raise RuntimeError(
            'Converting the codes typed full width to their usual form would make these rows '
            'equal on a unique key; merge or rename one of each in the tracker, then upgrade '
            'again (nothing was changed):\n' + '\n'.join(collisions))
    for table, column, changed, _said in found:
        for i, (_before, after) in sorted(changed.items()):
            conn.execute(sa.text(f'UPDATE {table} SET {column} = :value WHERE id = :id'),
                         {'value': after, 'id': i})


def downgrade() -> None:
    """Nothing to give back: which codes were typed full width was not kept, and their usual
    form is what the tracker reads (bbeaf9f1 and after); they stay as they are."""
