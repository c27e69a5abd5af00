"""The campaign app's queries, one module per area."""
