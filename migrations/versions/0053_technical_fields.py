"""HQ's controlled list of technical fields (技术领域), which institutes, projects and needs are
counted by

Revision ID: 0053
Revises: 0052
Create Date: 2026-11-26 15:00:00

`technical_fields`: code, name in both languages, whether it is still offered. `institutes`,
`projects` and `technology_needs` gain `field_id`. The fields the institutes and projects were
described in become the list: each distinct text once (spaces at the ends and case aside), an
institute's English field beside it, a project's text that is an institute field's English name
the same field; every institute and project is then linked to the field its text names. The
texts themselves are kept as they were; the downgrade drops the list and the links only.
"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

import tracker.db

revision = '0053'
down_revision = '0052'
branch_labels = None
depends_on = None

TABLES = ('institutes', 'projects', 'technology_needs')


def _key(text: str | None) -> str:
    return (text or '').strip().casefold()


def _fill_the_list() -> None:
    conn = op.get_bind()
    fields = sa.table('technical_fields', sa.column('id', sa.Integer),
                      sa.column('code', sa.String), sa.column('name', sa.String),
                      sa.column('name_en', sa.String), sa.column('active', sa.Boolean),
                      sa.column('created_at', tracker.db.UTCDateTime()),
                      sa.column('version', sa.Integer))
    found: dict[str, int] = {}  # a name in either language, as a key -> the field's id
    now = datetime.now(UTC)

    def add(name: str, name_en: str | None) -> None:
        """The field `name` (or its English name) is, created the first time it is met."""
        field_id = found.get(_key(name)) or found.get(_key(name_en) or '-')
        if field_id is None:
            field_id = conn.execute(fields.insert().values(
                code=f'F{len(set(found.values())) + 1:02d}', name=name.strip(),
                name_en=(name_en or '').strip() or None, active=True, created_at=now,
                version=1).returning(fields.c.id)).scalar_one()
        found.setdefault(_key(name), field_id)
        if _key(name_en):
            found.setdefault(_key(name_en), field_id)

    institutes = conn.execute(sa.text(
        'SELECT id, field, field_en FROM institutes ORDER BY id')).all()
    projects = conn.execute(sa.text('SELECT id, field FROM projects ORDER BY id')).all()
    for _id, field, field_en in institutes:
        if _key(field):
            add(field, field_en)
    for _id, field in projects:
        if _key(field):
            add(field, None)
    for table, rows in (('institutes', [(r[0], r[1]) for r in institutes]),
                        ('projects', projects)):
        by_field: dict[int, list[int]] = {}
        for row_id, field in rows:
            if _key(field) in found:
                by_field.setdefault(found[_key(field)], []).append(row_id)
        for field_id, ids in by_field.items():
            for start in range(0, len(ids), 500):
                conn.execute(sa.text(f'UPDATE {table} SET field_id = :f WHERE id IN :ids')
                             .bindparams(sa.bindparam('ids', expanding=True)),
                             {'f': field_id, 'ids': ids[start:start + 500]})


def upgrade() -> None:
    op.create_table(
        'technical_fields',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('code', sa.String(length=20), nullable=False),
        sa.Column('name', sa.String(length=100), nullable=False),
        sa.Column('name_en', sa.String(length=100), nullable=True),
        sa.Column('active', sa.Boolean(), nullable=False),
        sa.Column('created_at', tracker.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('version', sa.Integer(), server_default='1', nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_technical_fields')),
        sa.UniqueConstraint('code', name=op.f('uq_technical_fields_code')),
        sa.UniqueConstraint('name', name=op.f('uq_technical_fields_name')),
    )
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('field_id', sa.Integer(), nullable=True))
            batch_op.create_foreign_key(op.f(f'fk_{table}_field_id_technical_fields'),
                                        'technical_fields', ['field_id'], ['id'])
    _fill_the_list()


def downgrade() -> None:
    for table in reversed(TABLES):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(op.f(f'fk_{table}_field_id_technical_fields'),
                                     type_='foreignkey')
            batch_op.drop_column('field_id')
    op.drop_table('technical_fields')
