"""a right's jurisdiction is one of a list, and its number is registered once per office

Revision ID: 0072
Revises: 0071
Create Date: 2026-11-27 03:00:00

Issue 16, found by a newcomer: the same patent number could be registered on two achievements
(typed with a space, a ZL or CN prefix, or in lower case), and the jurisdiction was free text.

`ip_rights.jurisdiction` becomes one of CN, PCT, US, EP, JP, KR or OTHER (a CHECK): the values
already typed are read as the office they name (China, 中国, cn -> CN; WO -> PCT; USA, 美国 ->
US; EPO, 欧洲 -> EP; ...; empty -> CN, the old default); anything else is OTHER. The downgrade
keeps the codes (the old column took any text).

`ip_rights.number_key` is the number as compared (`tracker.achievements.models.number_key`,
frozen here as it stood): unique with the jurisdiction. A number registered twice already keeps
its key on the oldest right only; the others get none, so the index is created on any data,
and each is refused, naming the first, once it is edited (the migration prints them).
"""

import re
import unicodedata

import sqlalchemy as sa
from alembic import op

revision = '0072'
down_revision = '0071'
branch_labels = None
depends_on = None

CODES = ('CN', 'PCT', 'US', 'EP', 'JP', 'KR', 'OTHER')
ALIASES = {
    'CN': ('CN', 'CHN', 'CHINA', 'PRC', 'PRCHINA', '中国', '中华人民共和国', '国内', 'CNIPA',
           'SIPO', 'ZL'),
    'PCT': ('PCT', 'WO', 'WIPO', '国际', 'PCT国际申请'),
    'US': ('US', 'USA', 'UNITEDSTATES', 'USPTO', '美国'),
    'EP': ('EP', 'EPO', 'EU', 'EUROPE', '欧洲', '欧盟', '欧专局'),
    'JP': ('JP', 'JPN', 'JAPAN', 'JPO', '日本'),
    'KR': ('KR', 'KOR', 'KOREA', 'SOUTHKOREA', 'KIPO', '韩国'),
}
OFFICE = {alias: code for code, aliases in ALIASES.items() for alias in aliases}


def office_of(text: str | None) -> str:
    """The office a free-text jurisdiction names; CN when empty (the old default)."""
    squeezed = re.sub(r'[\s.\-_()（）]', '', unicodedata.normalize('NFKC', text or '')).upper()
    if not squeezed:
        return 'CN'
    return OFFICE.get(squeezed, 'OTHER')


def number_key(number: str | None, jurisdiction: str) -> str | None:
    key = re.sub(r'[^0-9A-Z]', '', unicodedata.normalize('NFKC', number or '').upper())
    if jurisdiction != 'OTHER':
        key = key.removeprefix(jurisdiction)
    if jurisdiction == 'CN':
        key = key.removeprefix('ZL')
    return key[:50] or None


def _codes_in() -> str:
    return 'jurisdiction IN (' + ', '.join(f"'{c}'" for c in CODES) + ')'


def upgrade() -> None:
    conn = op.get_bind()
    with op.batch_alter_table('ip_rights', schema=None) as batch_op:
        batch_op.add_column(sa.Column('number_key', sa.String(length=50), nullable=True))
    rights = conn.execute(sa.text(
        'SELECT id, number, jurisdiction FROM ip_rights ORDER BY id')).all()
    taken: dict[tuple[str, str], int] = {}
    for right_id, number, typed in rights:
        office = office_of(typed)
        key = number_key(number, office)
        if key is not None and (office, key) in taken:
            print(f'0072: ip_rights {right_id} has the number of ip_rights '
                  f'{taken[(office, key)]} ({number}): refused once edited')
            key = None
        elif key is not None:
            taken[(office, key)] = right_id
        conn.execute(sa.text('UPDATE ip_rights SET jurisdiction = :office, number_key = :key '
                             'WHERE id = :id'), {'office': office, 'key': key, 'id': right_id})
    with op.batch_alter_table('ip_rights', schema=None) as batch_op:
        batch_op.alter_column('jurisdiction', existing_type=sa.VARCHAR(length=20),
                              type_=sa.VARCHAR(length=5), existing_nullable=False)
        batch_op.create_check_constraint(op.f('ck_ip_rights_jurisdiction'), _codes_in())
        batch_op.create_index('uq_ip_rights_jurisdiction_number_key',
                              ['jurisdiction', 'number_key'], unique=True)


def downgrade() -> None:
    with op.batch_alter_table('ip_rights', schema=None) as batch_op:
        batch_op.drop_index('uq_ip_rights_jurisdiction_number_key')
        batch_op.drop_constraint(op.f('ck_ip_rights_jurisdiction'), type_='check')
        batch_op.alter_column('jurisdiction', existing_type=sa.VARCHAR(length=5),
                              type_=sa.VARCHAR(length=20), existing_nullable=False)
        batch_op.drop_column('number_key')
