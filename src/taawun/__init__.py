"""Taawun: shared criminal information under each owner's control."""
