"""The awards app's queries, one module per area."""
