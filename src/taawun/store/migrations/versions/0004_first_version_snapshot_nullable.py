"""record_versions.snapshot may be NULL: a record's first version is read from the record row

Why: a bulk import stored every new record twice (the row and an identical version-1 snapshot).
The snapshot of version 1 is now written when the record first changes.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 14:30:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('record_versions', schema=None) as batch_op:
        batch_op.alter_column('snapshot', existing_type=sa.JSON(), nullable=True)


def downgrade() -> None:
    # Fill the snapshots left empty from the record rows first, or the column could not be NOT NULL again.
    from taawun.store.records import _row_from
    from taawun.store.tables import record_versions, records

    bind = op.get_bind()
    missing = bind.execute(sa.select(records).join(record_versions, sa.and_(
        record_versions.c.record_id == records.c.id, record_versions.c.version == records.c.version))
        .where(record_versions.c.snapshot.is_(None))).mappings().all()
    for row in missing:
        bind.execute(record_versions.update().where(
            record_versions.c.record_id == row["id"], record_versions.c.version == row["version"])
            .values(snapshot=_row_from(row).snapshot()))
    with op.batch_alter_table('record_versions', schema=None) as batch_op:
        batch_op.alter_column('snapshot', existing_type=sa.JSON(), nullable=False)
