"""The evaluations app's forms, one module per area."""
