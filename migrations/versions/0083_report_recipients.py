"""a report owed names the organisation it goes to, not its name frozen in one language

Revision ID: 0083
Revises: 0082
Create Date: 2026-11-27 08:50:00

A report owed to a funder (`report_obligations`) kept who it goes to as text, typed or copied
from the co-funder's Chinese name, so an English page named an enterprise or a co-funding city
in Chinese (issue 9, T5/T19/T20). It now refers to the enterprise, partner or HQ it goes to
(`recipient_enterprise_id`, `recipient_partner_id`, `recipient_hq_id`), and keeps text only for
a recipient the app does not know; exactly one of the four is set.

The obligations recorded before are linked where their text is the name of one organisation
only, in either language, compared as `tracker.names.name_key` compares names (spaces,
full-width forms and case aside; a partner merged into another is not matched); the others
keep their text. The downgrade writes back, as text, the Chinese name of the organisation each
goes to.
"""

import unicodedata

import sqlalchemy as sa
from alembic import op

revision = '0083'
down_revision = '0082'
branch_labels = None
depends_on = None

COLUMNS = (('recipient_enterprise_id', 'enterprises'), ('recipient_partner_id', 'partners'),
           ('recipient_hq_id', 'headquarters'))
ONE_RECIPIENT = ' + '.join(
    f'(CASE WHEN {column} IS NULL THEN 0 ELSE 1 END)'
    for column in [c for c, _table in COLUMNS] + ['recipient']) + ' = 1'


def name_key(text: str | None) -> str:
    """`tracker.names.name_key` as it stands at this revision."""
    return ' '.join(unicodedata.normalize('NFKC', text or '').split()).casefold()


def _link() -> None:
    conn = op.get_bind()
    names: dict[str, set[tuple[str, int]]] = {}
    for column, table in COLUMNS:
        merged = ' WHERE merged_into_id IS NULL' if table == 'partners' else ''
        for row_id, name, name_en in conn.execute(sa.text(
                f'SELECT id, name, name_en FROM {table}{merged}')).all():
            for key in {name_key(name), name_key(name_en)} - {''}:
                names.setdefault(key, set()).add((column, row_id))
    for obligation_id, typed in conn.execute(sa.text(
            'SELECT id, recipient FROM report_obligations ORDER BY id')).all():
        found = names.get(name_key(typed), set())
        if len(found) != 1:
            continue
        column, row_id = next(iter(found))
        conn.execute(sa.text(f'UPDATE report_obligations SET {column} = :r, recipient = NULL '
                             'WHERE id = :o'), {'r': row_id, 'o': obligation_id})


def upgrade() -> None:
    with op.batch_alter_table('report_obligations', schema=None) as batch_op:
        for column, table in COLUMNS:
            batch_op.add_column(sa.Column(column, sa.Integer(), nullable=True))
            batch_op.create_foreign_key(
                batch_op.f(f'fk_report_obligations_{column}_{table}'), table, [column], ['id'])
        batch_op.create_index(batch_op.f('ix_report_obligations_recipient_enterprise_id'),
                              ['recipient_enterprise_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_report_obligations_recipient_partner_id'),
                              ['recipient_partner_id'], unique=False)
        batch_op.alter_column('recipient', existing_type=sa.String(length=200),
                              nullable=True)
    _link()
    with op.batch_alter_table('report_obligations', schema=None) as batch_op:
        batch_op.create_check_constraint(batch_op.f('ck_report_obligations_one_recipient'),
                                         ONE_RECIPIENT)


def downgrade() -> None:
    with op.batch_alter_table('report_obligations', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_report_obligations_one_recipient'),
                                 type_='check')
    conn = op.get_bind()
    for column, table in COLUMNS:
        conn.execute(sa.text(
            f'UPDATE report_obligations SET recipient = (SELECT name FROM {table} '
            f'WHERE {table}.id = report_obligations.{column}) WHERE {column} IS NOT NULL'))
    with op.batch_alter_table('report_obligations', schema=None) as batch_op:
        batch_op.alter_column('recipient', existing_type=sa.String(length=200),
                              nullable=False)
        batch_op.drop_index(batch_op.f('ix_report_obligations_recipient_partner_id'))
        batch_op.drop_index(batch_op.f('ix_report_obligations_recipient_enterprise_id'))
        for column, table in reversed(COLUMNS):
            batch_op.drop_constraint(batch_op.f(f'fk_report_obligations_{column}_{table}'),
                                     type_='foreignkey')
            batch_op.drop_column(column)
