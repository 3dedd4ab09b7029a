"""record_terms indexed by (record_id, term) instead of record_id alone

Why: a search for a common name part scans records newest-first and asks, for each, whether it
has a term starting with the part. With the record id alone the database fetched every term row
of the record to compare it; with the term in the index the answer comes from the index.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23 15:45:00
"""
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index('ix_record_terms_record', table_name='record_terms')
    op.create_index('ix_record_terms_record_term', 'record_terms', ['record_id', 'term'])


def downgrade() -> None:
    op.drop_index('ix_record_terms_record_term', table_name='record_terms')
    op.create_index('ix_record_terms_record', 'record_terms', ['record_id'])
