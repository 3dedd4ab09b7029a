"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-23 11:07:28.867914
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


_SQLITE_TRIGGERS = [
    """CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
       BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END""",
    """CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
       BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END""",
]
_PG_TRIGGERS = [
    """CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN RAISE EXCEPTION 'audit_log is append-only'; END $$""",
    """CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
       FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()""",
    """CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
       FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()""",
]


def _append_only_audit() -> None:
    """The audit log refuses updates and deletes at the database level, not only in code."""
    dialect = op.get_bind().dialect.name
    for statement in _SQLITE_TRIGGERS if dialect == "sqlite" else _PG_TRIGGERS:
        op.execute(statement)


def upgrade() -> None:
    op.create_table(
        "audit_log",
        sa.Column("seq", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=False, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("user_id", sa.String(length=36), nullable=True),
        sa.Column("username", sa.String(length=64), nullable=True),
        sa.Column("org_code", sa.String(length=10), nullable=True),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("target_id", sa.String(length=64), nullable=True),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_audit_log")),
    )
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.create_index("ix_audit_log_org", ["org_code", "seq"], unique=False)
        batch_op.create_index("ix_audit_log_target", ["target_id"], unique=False)

    op.create_table(
        "changes",
        sa.Column("seq", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("record_id", sa.String(length=36), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_changes")),
    )
    op.create_table(
        "links",
        sa.Column("record_id", sa.String(length=36), nullable=False),
        sa.Column("link_type", sa.String(length=16), nullable=False),
        sa.Column("source_id", sa.String(length=36), nullable=False),
        sa.Column("target_id", sa.String(length=36), nullable=False),
        sa.PrimaryKeyConstraint("record_id", name=op.f("pk_links")),
    )
    with op.batch_alter_table("links", schema=None) as batch_op:
        batch_op.create_index("ix_links_source", ["source_id"], unique=False)
        batch_op.create_index("ix_links_target", ["target_id"], unique=False)

    op.create_table(
        "organisations",
        sa.Column("code", sa.String(length=10), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("names", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_organisations")),
    )
    op.create_table(
        "record_audience",
        sa.Column("record_id", sa.String(length=36), nullable=False),
        sa.Column("entry_type", sa.String(length=8), nullable=False),
        sa.Column("code", sa.String(length=20), nullable=False),
        sa.UniqueConstraint("record_id", "entry_type", "code", name="uq_record_audience"),
    )
    with op.batch_alter_table("record_audience", schema=None) as batch_op:
        batch_op.create_index("ix_record_audience_code", ["code", "record_id"], unique=False)

    op.create_table(
        "record_crime_areas",
        sa.Column("record_id", sa.String(length=36), nullable=False),
        sa.Column("crime_area", sa.String(length=24), nullable=False),
        sa.UniqueConstraint("record_id", "crime_area", name="uq_record_crime_areas"),
    )
    with op.batch_alter_table("record_crime_areas", schema=None) as batch_op:
        batch_op.create_index("ix_record_crime_areas_area", ["crime_area", "record_id"], unique=False)

    op.create_table(
        "record_terms",
        sa.Column("term", sa.String(length=80), nullable=False),
        sa.Column("record_id", sa.String(length=36), nullable=False),
        sa.UniqueConstraint("term", "record_id", name="uq_record_terms"),
    )
    with op.batch_alter_table("record_terms", schema=None) as batch_op:
        batch_op.create_index("ix_record_terms_record", ["record_id"], unique=False)

    op.create_table(
        "record_versions",
        sa.Column("record_id", sa.String(length=36), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("by_user", sa.String(length=36), nullable=False),
        sa.Column("action", sa.String(length=10), nullable=False),
        sa.Column("snapshot", sa.JSON(), nullable=False),
        sa.UniqueConstraint("record_id", "version", name="uq_record_versions"),
    )
    op.create_table(
        "regions",
        sa.Column("code", sa.String(length=20), nullable=False),
        sa.Column("names", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_regions")),
    )
    op.create_table(
        "records",
        sa.Column("seq", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("owner", sa.String(length=10), nullable=False),
        sa.Column("created_by", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("crime_areas", sa.JSON(), nullable=False),
        sa.Column("restriction_mode", sa.String(length=12), nullable=False),
        sa.Column("restriction", sa.JSON(), nullable=False),
        sa.Column("hit_disclosure", sa.String(length=16), nullable=False),
        sa.Column("handling", sa.String(length=2), nullable=False),
        sa.Column("handling_note", sa.Text(), nullable=True),
        sa.Column("evaluation", sa.String(length=2), nullable=True),
        sa.Column("review_due", sa.Date(), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["owner"], ["organisations.code"], name=op.f("fk_records_owner_organisations")),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_records")),
        sa.UniqueConstraint("id", name=op.f("uq_records_id")),
    )
    with op.batch_alter_table("records", schema=None) as batch_op:
        batch_op.create_index("ix_records_kind_status", ["kind", "status"], unique=False)
        batch_op.create_index("ix_records_owner", ["owner"], unique=False)
        batch_op.create_index("ix_records_review_due", ["review_due"], unique=False)

    op.create_table(
        "region_members",
        sa.Column("region_code", sa.String(length=20), nullable=False),
        sa.Column("org_code", sa.String(length=10), nullable=False),
        sa.ForeignKeyConstraint(
            ["org_code"], ["organisations.code"], name=op.f("fk_region_members_org_code_organisations")
        ),
        sa.ForeignKeyConstraint(["region_code"], ["regions.code"], name=op.f("fk_region_members_region_code_regions")),
        sa.PrimaryKeyConstraint("region_code", "org_code", name=op.f("pk_region_members")),
    )
    with op.batch_alter_table("region_members", schema=None) as batch_op:
        batch_op.create_index("ix_region_members_org", ["org_code"], unique=False)

    op.create_table(
        "users",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("org_code", sa.String(length=10), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("password_hash", sa.Text(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("language", sa.String(length=5), nullable=False),
        sa.Column("failed_logins", sa.Integer(), nullable=False),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["org_code"], ["organisations.code"], name=op.f("fk_users_org_code_organisations")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("username", name=op.f("uq_users_username")),
    )
    op.create_table(
        "tokens",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("user_id", sa.String(length=36), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("label", sa.String(length=100), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_tokens_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_tokens_token_hash")),
    )
    _append_only_audit()


def downgrade() -> None:
    op.drop_table("tokens")
    op.drop_table("users")
    with op.batch_alter_table("region_members", schema=None) as batch_op:
        batch_op.drop_index("ix_region_members_org")

    op.drop_table("region_members")
    with op.batch_alter_table("records", schema=None) as batch_op:
        batch_op.drop_index("ix_records_review_due")
        batch_op.drop_index("ix_records_owner")
        batch_op.drop_index("ix_records_kind_status")

    op.drop_table("records")
    op.drop_table("regions")
    op.drop_table("record_versions")
    with op.batch_alter_table("record_terms", schema=None) as batch_op:
        batch_op.drop_index("ix_record_terms_record")

    op.drop_table("record_terms")
    with op.batch_alter_table("record_crime_areas", schema=None) as batch_op:
        batch_op.drop_index("ix_record_crime_areas_area")

    op.drop_table("record_crime_areas")
    with op.batch_alter_table("record_audience", schema=None) as batch_op:
        batch_op.drop_index("ix_record_audience_code")

    op.drop_table("record_audience")
    op.drop_table("organisations")
    with op.batch_alter_table("links", schema=None) as batch_op:
        batch_op.drop_index("ix_links_target")
        batch_op.drop_index("ix_links_source")

    op.drop_table("links")
    op.drop_table("changes")
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_log_target")
        batch_op.drop_index("ix_audit_log_org")

    op.drop_table("audit_log")
