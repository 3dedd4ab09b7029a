"""Persistence: SQLAlchemy tables, engine set-up and repositories. Knows nothing of who asks."""
