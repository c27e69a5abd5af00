"""The campaign app's forms, one module per area."""
