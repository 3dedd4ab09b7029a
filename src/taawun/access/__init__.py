"""The one access gate: who may see or do what, and the audit of every access."""
