"""Use cases: what users do, composed from the gate, the store and the name engine."""
