"""The awards app's forms, one module per area."""
