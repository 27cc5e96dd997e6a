"""a company has one HQ holder

Revision ID: 0100
Revises: 0099
Create Date: 2026-11-27 21:30:00

Issue 9 (a newcomer's walk): investor "JITRI HQ" typed with the type HQ in a round's form made
a second holder of the type HQ beside the company's own. A company has one HQ holder
(`holder_models.ONE_PER_COMPANY`): the services refuse a second beside the field that names
it, and this index is the database's word (`uq_shareholders_one_hq`, partial: the holders of
the type HQ, one per company).

HQ holders recorded twice before are merged first, company by company, into the one referring
to HQ's record (else the first recorded): the share entries and grants of the others are
theirs, and the others go. HQ's shares, cost and the cap table's total stay what they were;
a transfer recorded between two of them becomes one from the holder to itself (it moves
nothing, as it moved nothing of HQ's before). Holders referring to two different
headquarters are two organisations: the upgrade stops, naming them, to be sorted out by hand.
The demo's data (`flask demo seed`), the suite's worlds and the benchmarks' network record one
HQ holder per company. The downgrade drops the index; merged holders stay merged.
"""

from itertools import groupby

import sqlalchemy as sa
from alembic import op

revision = '0100'
down_revision = '0099'
branch_labels = None
depends_on = None

HQ = sa.text("kind = 'hq'")
# The columns naming a holder: share entries and incentive grants.
REFERRING = (('share_entries', 'to_holder_id'), ('share_entries', 'from_holder_id'),
             ('incentive_grants', 'holder_id'), ('incentive_grants', 'pool_id'))


def _merge() -> None:
    conn = op.get_bind()
    rows = conn.execute(sa.text("SELECT company_id, id, hq_id, name FROM shareholders "
                                "WHERE kind = 'hq' ORDER BY company_id, id")).all()
    for company_id, found in groupby(rows, key=lambda row: row[0]):
        holders = list(found)
        if len(holders) < 2:
            continue
        if len({row[2] for row in holders if row[2] is not None}) > 1:
            raise RuntimeError(
                f"Company {company_id} has HQ holders of different headquarters "
                f"({', '.join(row[3] for row in holders)}): a company has one HQ holder. "
                "Give the others their own type (a partner's, an investor's) and upgrade again.")
        kept = next((row[1] for row in holders if row[2] is not None), holders[0][1])
        for other in (row[1] for row in holders if row[1] != kept):
            for table, column in REFERRING:
                conn.execute(sa.text(f'UPDATE {table} SET {column} = :kept '
                                     f'WHERE {column} = :other'),
                             {'kept': kept, 'other': other})
            conn.execute(sa.text('DELETE FROM shareholders WHERE id = :other'),
                         {'other': other})


def upgrade() -> None:
    _merge()
    op.create_index('uq_shareholders_one_hq', 'shareholders', ['company_id'], unique=True,
                    sqlite_where=HQ, postgresql_where=HQ)


def downgrade() -> None:
    op.drop_index('uq_shareholders_one_hq', table_name='shareholders',
                  sqlite_where=HQ, postgresql_where=HQ)
