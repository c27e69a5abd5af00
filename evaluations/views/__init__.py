"""Views of the evaluations app, one module per area."""
