"""The schema, as SQLAlchemy Core tables (migrations in store/migrations mirror it).

Records of every kind share one table: the fields the gate and search need have columns,
the kind-specific payload is JSON. Restrictions get their own table so that visibility can be
decided inside SQL for lists and searches, instead of filtering after paging.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

Id = String(36)
BigIntPk = BigInteger().with_variant(Integer, "sqlite")

organisations = Table(
    "organisations",
    metadata,
    Column("code", String(10), primary_key=True),
    Column("kind", String(10), nullable=False),
    Column("names", JSON, nullable=False),
)

regions = Table(
    "regions",
    metadata,
    Column("code", String(20), primary_key=True),
    Column("names", JSON, nullable=False),
)

region_members = Table(
    "region_members",
    metadata,
    Column("region_code", String(20), ForeignKey("regions.code"), primary_key=True),
    Column("org_code", String(10), ForeignKey("organisations.code"), primary_key=True),
    Index("ix_region_members_org", "org_code"),
)

users = Table(
    "users",
    metadata,
    Column("id", Id, primary_key=True),
    Column("username", String(64), nullable=False, unique=True),
    Column("org_code", String(10), ForeignKey("organisations.code"), nullable=False),
    Column("role", String(16), nullable=False),
    Column("password_hash", Text, nullable=False),
    Column("active", Boolean, nullable=False, default=True),
    Column("language", String(5), nullable=False, default="en"),
    Column("failed_logins", Integer, nullable=False, default=0),
    Column("locked_until", DateTime(timezone=True), nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

tokens = Table(
    "tokens",
    metadata,
    Column("id", Id, primary_key=True),
    Column("user_id", Id, ForeignKey("users.id"), nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("label", String(100), nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Column("revoked_at", DateTime(timezone=True), nullable=True),
)

records = Table(
    "records",
    metadata,
    Column("seq", BigIntPk, primary_key=True, autoincrement=True),
    Column("id", Id, nullable=False, unique=True),
    Column("kind", String(20), nullable=False),
    Column("owner", String(10), ForeignKey("organisations.code"), nullable=False),
    Column("created_by", Id, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("version", Integer, nullable=False),
    Column("status", String(10), nullable=False),
    Column("crime_areas", JSON, nullable=False),
    Column("restriction_mode", String(12), nullable=False),
    Column("restriction", JSON, nullable=False),
    Column("hit_disclosure", String(16), nullable=False),
    Column("handling", String(2), nullable=False),
    Column("handling_note", Text, nullable=True),
    Column("evaluation", String(2), nullable=True),
    Column("review_due", Date, nullable=False),
    Column("data", JSON, nullable=False),
    Index("ix_records_kind_status", "kind", "status"),
    Index("ix_records_owner", "owner"),
    Index("ix_records_review_due", "review_due"),
)

# One row per member, region or partner named in a record's restriction list.
record_audience = Table(
    "record_audience",
    metadata,
    Column("record_id", Id, nullable=False),
    Column("entry_type", String(8), nullable=False),  # member | region | partner
    Column("code", String(20), nullable=False),
    UniqueConstraint("record_id", "entry_type", "code", name="uq_record_audience"),
    Index("ix_record_audience_code", "code", "record_id"),
)

record_crime_areas = Table(
    "record_crime_areas",
    metadata,
    Column("record_id", Id, nullable=False),
    Column("crime_area", String(24), nullable=False),
    UniqueConstraint("record_id", "crime_area", name="uq_record_crime_areas"),
    Index("ix_record_crime_areas_area", "crime_area", "record_id"),
)

# Normalised name tokens and identifier numbers, for free-text search by prefix.
record_terms = Table(
    "record_terms",
    metadata,
    Column("term", String(80), nullable=False),
    Column("record_id", Id, nullable=False),
    UniqueConstraint("term", "record_id", name="uq_record_terms"),
    Index("ix_record_terms_record_term", "record_id", "term"),
)

record_versions = Table(
    "record_versions",
    metadata,
    Column("record_id", Id, nullable=False),
    Column("version", Integer, nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("by_user", Id, nullable=False),
    Column("action", String(10), nullable=False),  # create | update | delete | expire
    # NULL for a version 1 that is still the current row (filled in when the record first changes).
    Column("snapshot", JSON(none_as_null=True), nullable=True),
    UniqueConstraint("record_id", "version", name="uq_record_versions"),
)

links = Table(
    "links",
    metadata,
    Column("record_id", Id, primary_key=True),
    Column("link_type", String(16), nullable=False),
    Column("source_id", Id, nullable=False),
    Column("target_id", Id, nullable=False),
    Index("ix_links_source", "source_id"),
    Index("ix_links_target", "target_id"),
)

# Every write bumps a sequence here; screening workers follow it to keep their index current.
changes = Table(
    "changes",
    metadata,
    Column("seq", BigIntPk, primary_key=True, autoincrement=True),
    Column("record_id", Id, nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
)

audit_log = Table(
    "audit_log",
    metadata,
    Column("seq", BigIntPk, primary_key=True, autoincrement=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("user_id", Id, nullable=True),
    Column("username", String(64), nullable=True),
    Column("org_code", String(10), nullable=True),
    Column("action", String(32), nullable=False),
    Column("target_id", String(64), nullable=True),
    Column("detail", JSON, nullable=False),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
    Index("ix_audit_log_org", "org_code", "seq"),
    Index("ix_audit_log_target", "target_id"),
)

# A screening that matched a record: who searched, where, what, and how the owner answered.
hits = Table(
    "hits",
    metadata,
    Column("id", Id, primary_key=True),
    Column("screening_id", Id, nullable=False),
    Column("record_id", Id, nullable=False),
    Column("record_owner", String(10), nullable=False),
    Column("searcher_user", Id, nullable=False),
    Column("searcher_org", String(10), nullable=False),
    Column("location", String(200), nullable=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("query", JSON, nullable=False),
    Column("score", Float, nullable=False),
    Column("disclosure", String(16), nullable=False),  # full | contact_owner | silent
    Column("status", String(12), nullable=False),  # pending | confirmed | rejected
    Column("answered_by", Id, nullable=True),
    Column("answered_at", DateTime(timezone=True), nullable=True),
    Column("answer_note", Text, nullable=True),
    Index("ix_hits_owner", "record_owner", "at"),
    Index("ix_hits_searcher", "searcher_org", "at"),
    Index("ix_hits_record", "record_id"),
)

# An organisation's inbox: hits on its records, answers to its own hits, and later messages.
notifications = Table(
    "notifications",
    metadata,
    Column("seq", BigIntPk, primary_key=True, autoincrement=True),
    Column("id", Id, nullable=False, unique=True),
    Column("org_code", String(10), nullable=False),
    Column("type", String(20), nullable=False),
    Column("hit_id", Id, nullable=True),
    Column("record_id", Id, nullable=True),
    Column("from_org", String(10), nullable=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("read", Boolean, nullable=False, default=False),
    Column("detail", JSON, nullable=False),
    Index("ix_notifications_org", "org_code", "read"),
)

# Notices: a member's request to all others (wanted, missing, warning...), reviewed by the GS before publication.
notices = Table(
    "notices",
    metadata,
    Column("seq", BigIntPk, primary_key=True, autoincrement=True),
    Column("id", Id, nullable=False, unique=True),
    Column("type", String(12), nullable=False),
    Column("status", String(14), nullable=False),
    Column("requester_org", String(10), nullable=False),
    Column("created_by", Id, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("version", Integer, nullable=False),
    Column("subject_id", Id, nullable=True),
    Column("data", JSON, nullable=False),
    Column("restriction_mode", String(12), nullable=False),
    Column("restriction", JSON, nullable=False),
    Column("public_extract_allowed", Boolean, nullable=False, default=False),
    Column("public_extract", JSON, nullable=True),  # the only fields ever shown without login
    Column("submitted_at", DateTime(timezone=True), nullable=True),
    Column("published_at", DateTime(timezone=True), nullable=True),
    Column("expires_on", Date, nullable=True),
    Column("expiry_warned", Boolean, nullable=False, default=False),
    Column("review", JSON, nullable=True),  # the last reviewer decision with its checklist
    Index("ix_notices_subject", "subject_id"),
    Index("ix_notices_status", "status", "expires_on"),
    Index("ix_notices_requester", "requester_org"),
)

notice_events = Table(
    "notice_events",
    metadata,
    Column("seq", BigIntPk, primary_key=True, autoincrement=True),
    Column("notice_id", Id, nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("by_user", Id, nullable=False),
    Column("by_org", String(10), nullable=False),
    Column("action", String(20), nullable=False),
    Column("from_status", String(14), nullable=True),
    Column("to_status", String(14), nullable=False),
    Column("reason", Text, nullable=True),
    Column("detail", JSON, nullable=False),
    Index("ix_notice_events_notice", "notice_id", "seq"),
)

# Diffusions: an alert sent straight to chosen members, outside the notice review.
diffusions = Table(
    "diffusions",
    metadata,
    Column("seq", BigIntPk, primary_key=True, autoincrement=True),
    Column("id", Id, nullable=False, unique=True),
    Column("sender_org", String(10), nullable=False),
    Column("created_by", Id, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("record_id", Id, nullable=False),
    Column("request", String(12), nullable=False),
    Column("message", Text, nullable=True),
    Column("targets", JSON, nullable=False),  # the members and regions as the sender chose them
    Column("record", JSON, nullable=False),  # the record as it was sent
    Column("status", String(10), nullable=False),  # active | withdrawn
    Column("withdrawn_at", DateTime(timezone=True), nullable=True),
    Column("withdrawn_reason", Text, nullable=True),
    Index("ix_diffusions_sender", "sender_org", "seq"),
)

diffusion_recipients = Table(
    "diffusion_recipients",
    metadata,
    Column("diffusion_id", Id, nullable=False),
    Column("org_code", String(10), nullable=False),
    UniqueConstraint("diffusion_id", "org_code", name="uq_diffusion_recipients"),
    Index("ix_diffusion_recipients_org", "org_code", "diffusion_id"),
)

diffusion_replies = Table(
    "diffusion_replies",
    metadata,
    Column("seq", BigIntPk, primary_key=True, autoincrement=True),
    Column("id", Id, nullable=False, unique=True),
    Column("diffusion_id", Id, nullable=False),
    Column("from_org", String(10), nullable=False),
    Column("by_user", Id, nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("text", Text, nullable=False),
    Index("ix_diffusion_replies_diffusion", "diffusion_id", "seq"),
)
