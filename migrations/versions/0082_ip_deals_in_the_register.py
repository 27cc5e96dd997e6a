"""a spin-off's IP deal names an achievement of the register and its rights, not a typed patent

Revision ID: 0082
Revises: 0081
Create Date: 2026-11-27 05:50:00

A company's licence or assignment of IP (`ip_deals`) named its patent in free text
(`patent_number`, `title`), beside the achievement and IP register every other deal uses
(issue 16, F38). A deal now names an achievement (`achievement_id`) and, if it names them, some
of its rights (`ip_deal_rights`). The deals recorded before:

- whose typed number is a registered right's number, as the register compares numbers
  (`number_key`: full-width folded, case, spaces, punctuation and the office's own prefixes
  aside, for each office a right is registered with), and all such rights are of one
  achievement, are linked to that achievement and those rights;
- the others keep their typed patent, shown as not linked to the register.

The typed text stays in both cases. The downgrade drops the links; a deal recorded from the
register gets back, as its typed patent, its rights' numbers and its achievement's title.
"""

import re
import unicodedata

import sqlalchemy as sa
from alembic import op

revision = '0082'
down_revision = '0081'
branch_labels = None
depends_on = None


def number_key(number: str | None, jurisdiction: str) -> str | None:
    """`tracker.achievements.models.number_key` as it stands at this revision."""
    key = re.sub(r'[^0-9A-Z]', '', unicodedata.normalize('NFKC', number or '').upper())
    if jurisdiction != 'OTHER':
        key = key.removeprefix(jurisdiction)
    if jurisdiction == 'CN':
        key = key.removeprefix('ZL')
    return key[:50] or None


def _link() -> None:
    conn = op.get_bind()
    registered: dict[tuple[str, str], list[tuple[int, int]]] = {}
    for right_id, achievement_id, where, key in conn.execute(sa.text(
            'SELECT id, achievement_id, jurisdiction, number_key FROM ip_rights '
            'WHERE number_key IS NOT NULL ORDER BY id')).all():
        registered.setdefault((where, key), []).append((right_id, achievement_id))
    offices = sorted({where for where, _key in registered})
    for deal_id, typed in conn.execute(sa.text(
            'SELECT id, patent_number FROM ip_deals WHERE achievement_id IS NULL '
            'ORDER BY id')).all():
        found = sorted({match for where in offices
                        for match in registered.get((where, number_key(typed, where)), [])})
        if len({achievement_id for _right, achievement_id in found}) != 1:
            continue
        conn.execute(sa.text('UPDATE ip_deals SET achievement_id = :a WHERE id = :d'),
                     {'a': found[0][1], 'd': deal_id})
        for right_id, _achievement in found:
            conn.execute(sa.text('INSERT INTO ip_deal_rights (ip_deal_id, right_id) '
                                 'VALUES (:d, :r)'), {'d': deal_id, 'r': right_id})


def upgrade() -> None:
    with op.batch_alter_table('ip_deals', schema=None) as batch_op:
        batch_op.add_column(sa.Column('achievement_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_ip_deals_achievement_id'), ['achievement_id'],
                              unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_ip_deals_achievement_id_achievements'),
                                    'achievements', ['achievement_id'], ['id'])
    op.create_table(
        'ip_deal_rights',
        sa.Column('ip_deal_id', sa.Integer(), nullable=False),
        sa.Column('right_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['ip_deal_id'], ['ip_deals.id'],
                                name=op.f('fk_ip_deal_rights_ip_deal_id_ip_deals'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['right_id'], ['ip_rights.id'],
                                name=op.f('fk_ip_deal_rights_right_id_ip_rights')),
        sa.PrimaryKeyConstraint('ip_deal_id', 'right_id', name=op.f('pk_ip_deal_rights')))
    _link()


def _type_back() -> None:
    """A deal recorded from the register gets its patent typed again: its rights' numbers
    (or titles), else its achievement's title."""
    conn = op.get_bind()
    for deal_id, title in conn.execute(sa.text(
            "SELECT d.id, a.title FROM ip_deals d JOIN achievements a "
            "ON a.id = d.achievement_id WHERE d.patent_number = '' ORDER BY d.id")).all():
        rights = conn.execute(sa.text(
            'SELECT r.number, r.title FROM ip_deal_rights l JOIN ip_rights r '
            'ON r.id = l.right_id WHERE l.ip_deal_id = :d ORDER BY r.id'), {'d': deal_id}).all()
        typed = ', '.join(number or right_title for number, right_title in rights) or title
        conn.execute(sa.text('UPDATE ip_deals SET patent_number = :n, title = :t '
                             'WHERE id = :d'), {'n': typed[:50], 't': title[:200], 'd': deal_id})


def downgrade() -> None:
    _type_back()
    op.drop_table('ip_deal_rights')
    with op.batch_alter_table('ip_deals', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_ip_deals_achievement_id_achievements'),
                                 type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_ip_deals_achievement_id'))
        batch_op.drop_column('achievement_id')
