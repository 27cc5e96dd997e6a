"""every signed document a partner agreement held stays the agreement's

Revision ID: 0105
Revises: 0104
Create Date: 2026-11-28 00:50:00

Issue 9 (small 1): an agreement with a partner named its signed document by one column
(`partner_agreements.file_id`), and a file is downloadable by whoever may see the agreement
that names it: a correction uploading another document replaced it with no reason, and the
old file, named by nothing, could be downloaded by nobody. `partner_agreement_documents` links
each document an agreement has held to it for good: the one on record, and those it replaced
(with the reason, which the service now requires, in the correction's audit record). The
documents on record are linked here; those replaced before are found in the audit trail
(`partner_agreement.update` changing `file_id`) and linked too. The downgrade drops the table:
the replaced documents are named by nothing again.
"""

import sqlalchemy as sa
from alembic import op

revision = '0105'
down_revision = '0104'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'partner_agreement_documents',
        sa.Column('agreement_id', sa.Integer(), nullable=False),
        sa.Column('file_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['agreement_id'], ['partner_agreements.id'],
                                name=op.f('fk_partner_agreement_documents_agreement_id_'
                                          'partner_agreements')),
        sa.ForeignKeyConstraint(['file_id'], ['stored_files.id'],
                                name=op.f('fk_partner_agreement_documents_file_id_'
                                          'stored_files')),
        sa.PrimaryKeyConstraint('agreement_id', 'file_id',
                                name=op.f('pk_partner_agreement_documents')),
        sa.UniqueConstraint('file_id', name=op.f('uq_partner_agreement_documents_file_id')),
    )
    conn = op.get_bind()
    linked: set[int] = set()
    rows = [(a, f) for a, f in conn.execute(sa.text(
        "SELECT id, file_id FROM partner_agreements WHERE file_id IS NOT NULL ORDER BY id"))]
    audits = sa.table('audit_records', sa.column('id', sa.Integer),
                      sa.column('action', sa.String), sa.column('object_id', sa.Integer),
                      sa.column('changes', sa.JSON))
    for object_id, changes in conn.execute(
            sa.select(audits.c.object_id, audits.c.changes)
            .where(audits.c.action == 'partner_agreement.update').order_by(audits.c.id)):
        before = (changes or {}).get('file_id', [None])[0]
        if isinstance(before, int) and object_id is not None:
            rows.append((object_id, before))
    files = {f for (f,) in conn.execute(sa.text("SELECT id FROM stored_files"))}
    agreements = {a for (a,) in conn.execute(sa.text("SELECT id FROM partner_agreements"))}
    for agreement_id, file_id in rows:
        if file_id in linked or file_id not in files or agreement_id not in agreements:
            continue
        linked.add(file_id)
        conn.execute(sa.text("INSERT INTO partner_agreement_documents (agreement_id, file_id) "
                             "VALUES (:a, :f)"), {"a": agreement_id, "f": file_id})


def downgrade() -> None:
    op.drop_table('partner_agreement_documents')
