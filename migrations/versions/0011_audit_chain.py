"""audit_records.chain_hash: each record hashed with the one before it; TRUNCATE refused

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-25 22:00:00
"""

from alembic import op
import sqlalchemy as sa

import tracker.db
from tracker.audit.chain import GENESIS, digest


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

# The table as this revision knows it, whatever the model becomes later.
records = sa.table(
    'audit_records',
    sa.column('id', sa.BigInteger()),
    sa.column('at', tracker.db.UTCDateTime(timezone=True)),
    sa.column('actor_id', sa.Integer()),
    sa.column('action', sa.String()),
    sa.column('object_type', sa.String()),
    sa.column('object_id', sa.Integer()),
    sa.column('changes', sa.JSON()),
    sa.column('ip_address', sa.String()),
    sa.column('chain_hash', sa.String()),
)

# The append-only function of 0001 serves a statement trigger too.
NO_TRUNCATE_TRIGGER = """
CREATE TRIGGER audit_records_no_truncate BEFORE TRUNCATE ON audit_records
FOR EACH STATEMENT EXECUTE FUNCTION audit_records_append_only()
"""


def _seal_existing(bind) -> None:
    """Chain the records written before this revision, in id order, a batch at a time."""
    previous, after = GENESIS, None
    while True:
        query = sa.select(records).order_by(records.c.id).limit(5000)
        if after is not None:
            query = query.where(records.c.id > after)
        rows = bind.execute(query).all()
        if not rows:
            return
        hashes = []
        for row in rows:
            previous = digest(previous, row)
            hashes.append({'b_id': row.id, 'b_hash': previous})
        bind.execute(
            records.update().where(records.c.id == sa.bindparam('b_id'))
            .values(chain_hash=sa.bindparam('b_hash')),
            hashes,
        )
        after = rows[-1].id


def upgrade() -> None:
    with op.batch_alter_table('audit_records', schema=None) as batch_op:
        batch_op.add_column(sa.Column('chain_hash', sa.String(length=64), nullable=True))
    bind = op.get_bind()
    postgres = bind.dialect.name == 'postgresql'
    if postgres:
        op.execute('ALTER TABLE audit_records DISABLE TRIGGER audit_records_append_only')
    _seal_existing(bind)
    if postgres:
        op.execute('ALTER TABLE audit_records ENABLE TRIGGER audit_records_append_only')
    with op.batch_alter_table('audit_records', schema=None) as batch_op:
        batch_op.alter_column('chain_hash', existing_type=sa.String(length=64), nullable=False)
    if postgres:
        op.execute(NO_TRUNCATE_TRIGGER)


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('DROP TRIGGER audit_records_no_truncate ON audit_records')
    with op.batch_alter_table('audit_records', schema=None) as batch_op:
        batch_op.drop_column('chain_hash')
