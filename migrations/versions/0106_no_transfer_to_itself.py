"""no share transfer from a holder to itself

Revision ID: 0106
Revises: 0105
Create Date: 2026-11-28 01:05:00

Issue 9 (small 4): migration 0100 merged a company's HQ holders into one, and a transfer
recorded between two of them became a transfer from HQ's holder to itself: a ledger line that
moves nothing, read as a transfer in the ledger and its exports. Each such transfer (and its
reversal, which names the same holder twice) is folded: taken out of the ledger, its values
and the reason kept in the audit trail (`share_entry.fold`, sealed in the chain as every
record is), where the company's history shows it. A transfer to itself referred to by another
record (none is known) stops the upgrade, named. Then a CHECK refuses any transfer from a
holder to itself (the transfer form already refuses one by name). The downgrade drops the
CHECK; the folded entries stay in the trail only.
"""

from types import SimpleNamespace

import sqlalchemy as sa
from alembic import op

from tracker.audit import chain

revision = '0106'
down_revision = '0105'
branch_labels = None
depends_on = None

REASON = ("A transfer between two holders of HQ that migration 0100 merged into one: from the "
          "holder to itself, it moved nothing.")


def upgrade() -> None:
    conn = op.get_bind()
    found = conn.execute(sa.text(
        "SELECT id, company_id, on_date, shares, from_holder_id, reverses_id, note, reason "
        "FROM share_entries WHERE from_holder_id = to_holder_id "
        "ORDER BY reverses_id IS NULL, id")).all()  # reversals first: they name the others
    folded = {row.id for row in found}
    inspector = sa.inspect(conn)
    naming = [(table, column) for table in inspector.get_table_names()
              for fk in inspector.get_foreign_keys(table)
              if fk['referred_table'] == 'share_entries' for column in fk['constrained_columns']]
    for table, column in naming if folded else ():
        named = conn.execute(sa.text(
            f"SELECT {column} FROM {table} WHERE {column} IS NOT NULL")).scalars().all()
        outside = [i for i in named if i in folded and not (
            table == 'share_entries' and _reversal_folded(conn, i, folded))]
        if outside:
            raise RuntimeError(f"share entries {sorted(outside)} transfer shares from a holder "
                               f"to itself and are named by {table}.{column}: sort them out "
                               "by hand, then upgrade again")
    records = [SimpleNamespace(
        id=None, at=None, actor_id=None, action='share_entry.fold',
        object_type='share_entries', object_id=row.id, ip_address=None,
        changes={'company_id': [row.company_id, None], 'kind': ['transfer', None],
                 'on_date': [str(row.on_date), None], 'shares': [str(row.shares), None],
                 'from_holder_id': [row.from_holder_id, None],
                 'to_holder_id': [row.from_holder_id, None],
                 **({'reverses_id': [row.reverses_id, None]} if row.reverses_id else {}),
                 'note': [row.note or '', None], 'reason': [None, REASON]})
        for row in found]
    if records:
        chain.seal(conn, records)
        audits = sa.table('audit_records', *(sa.column(c) for c in (
            'id', 'at', 'actor_id', 'action', 'object_type', 'object_id', 'ip_address',
            'chain_hash')), sa.column('changes', sa.JSON))
        conn.execute(audits.insert(), [
            {key: getattr(r, key) for key in ('id', 'at', 'actor_id', 'action', 'object_type',
                                              'object_id', 'ip_address', 'chain_hash',
                                              'changes')} for r in records])
        for row in found:
            conn.execute(sa.text("DELETE FROM share_entries WHERE id = :id"), {"id": row.id})
    with op.batch_alter_table('share_entries', schema=None) as batch_op:
        batch_op.create_check_constraint(
            op.f('ck_share_entries_not_to_itself'),
            "from_holder_id IS NULL OR from_holder_id <> to_holder_id")


def _reversal_folded(conn, entry_id: int, folded: set[int]) -> bool:
    """Whether the entry naming `entry_id` as the one it reverses is folded with it."""
    reversal = conn.execute(sa.text("SELECT id FROM share_entries WHERE reverses_id = :id"),
                            {"id": entry_id}).scalar()
    return reversal in folded


def downgrade() -> None:
    with op.batch_alter_table('share_entries', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_share_entries_not_to_itself'), type_='check')
