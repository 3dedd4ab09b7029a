"""The REST API under /api/v1 (FastAPI), following DESIGN.md's API conventions."""
