"""a need's analysed technical field is one of HQ's list, no longer free text

Revision ID: 0073
Revises: 0072
Create Date: 2026-11-27 03:05:00

HQ's analysis of a need named its technical field in free text (`technology_needs.field`),
beside the need's `field_id` in HQ's controlled list (migration 0053), which the reports count
by. The analysis now chooses from the list, and the text goes:

- a need not yet classified is classified by its text when the text names a field of the list
  (its Chinese or English name or its code; case and spaces at the ends aside);
- a text that names none becomes a field of the list, not offered for new records (HQ renames,
  merges or offers it on the list's page), and the need is classified by it, so no need loses
  the field its analysis gave;
- a need classified already keeps its field: the list's choice was HQ's too.

The downgrade brings the column back, filled with the name of the field of each analysed need.
"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

import tracker.db

revision = '0073'
down_revision = '0072'
branch_labels = None
depends_on = None


def _key(text: str | None) -> str:
    return (text or '').strip().casefold()


def _classify_by_text() -> None:
    conn = op.get_bind()
    fields = sa.table('technical_fields', sa.column('id', sa.Integer),
                      sa.column('code', sa.String), sa.column('name', sa.String),
                      sa.column('name_en', sa.String), sa.column('active', sa.Boolean),
                      sa.column('created_at', tracker.db.UTCDateTime()),
                      sa.column('version', sa.Integer))
    found: dict[str, int] = {}  # a name in either language or a code, as a key -> its id
    codes = set()
    for field_id, code, name, name_en in conn.execute(sa.text(
            'SELECT id, code, name, name_en FROM technical_fields ORDER BY id')).all():
        codes.add(code.upper())
        for key in (_key(name), _key(name_en), _key(code)):
            if key:
                found.setdefault(key, field_id)
    now = datetime.now(UTC)
    needs = conn.execute(sa.text(
        "SELECT id, field FROM technology_needs WHERE field_id IS NULL AND field <> '' "
        'ORDER BY id')).all()
    for need_id, text in needs:
        if not _key(text):
            continue
        field_id = found.get(_key(text))
        if field_id is None:
            code = next(f'N{n:02d}' for n in range(1, 10**6) if f'N{n:02d}' not in codes)
            codes.add(code)
            field_id = conn.execute(fields.insert().values(
                code=code, name=text.strip()[:100], name_en=None, active=False,
                created_at=now, version=1).returning(fields.c.id)).scalar_one()
            found[_key(text)] = field_id
        conn.execute(sa.text('UPDATE technology_needs SET field_id = :f WHERE id = :n'),
                     {'f': field_id, 'n': need_id})


def upgrade() -> None:
    _classify_by_text()
    with op.batch_alter_table('technology_needs', schema=None) as batch_op:
        batch_op.drop_column('field')


def downgrade() -> None:
    with op.batch_alter_table('technology_needs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('field', sa.String(length=100), server_default='',
                                      nullable=False))
    op.get_bind().execute(sa.text(
        'UPDATE technology_needs SET field = (SELECT name FROM technical_fields '
        'WHERE technical_fields.id = technology_needs.field_id) '
        'WHERE analysed_at IS NOT NULL AND field_id IS NOT NULL'))
