"""The evaluations app's queries, one module per area."""
