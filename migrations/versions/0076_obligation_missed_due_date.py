"""a report owed keeps the due date it missed when HQ moves its due date

Revision ID: 0076
Revises: 0075
Create Date: 2026-11-27 05:20:00

Moving the due date of a report already late made it "not due yet": the record that it was late
was lost, from its page, HQ's late list and its state once submitted. `missed_due_on` keeps the
first due date the report missed. The obligations whose due date was moved after it had passed
(their audit records say so: `report_obligation.update` changing `due_on`, recorded after the
old date in the organisation's time zone) get theirs from the audit trail. The downgrade drops
the column.
"""

import os
from datetime import date, datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op

revision = '0076'
down_revision = '0075'
branch_labels = None
depends_on = None


def _instant(value) -> datetime:
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=ZoneInfo('UTC'))


def _backfill() -> None:
    conn = op.get_bind()
    zone = ZoneInfo(os.environ.get('ORG_TIMEZONE', 'Asia/Shanghai'))
    audits = sa.table('audit_records', sa.column('id', sa.Integer), sa.column('at', sa.DateTime),
                      sa.column('action', sa.String), sa.column('object_id', sa.Integer),
                      sa.column('changes', sa.JSON))
    obligations = sa.table('report_obligations', sa.column('id', sa.Integer),
                           sa.column('missed_due_on', sa.Date))
    missed: dict[int, date] = {}
    for _id, at, object_id, changes in conn.execute(
            sa.select(audits.c.id, audits.c.at, audits.c.object_id, audits.c.changes)
            .where(audits.c.action == 'report_obligation.update').order_by(audits.c.id)):
        moved = (changes or {}).get('due_on')
        if not moved or not moved[0] or object_id in missed:
            continue
        old = date.fromisoformat(str(moved[0])[:10])
        if _instant(at).astimezone(zone).date() > old:
            missed[object_id] = old
    for object_id, old in missed.items():
        conn.execute(obligations.update().where(obligations.c.id == object_id)
                     .values(missed_due_on=old))


def upgrade() -> None:
    with op.batch_alter_table('report_obligations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('missed_due_on', sa.Date(), nullable=True))
    _backfill()


def downgrade() -> None:
    with op.batch_alter_table('report_obligations', schema=None) as batch_op:
        batch_op.drop_column('missed_due_on')
