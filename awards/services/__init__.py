"""Commendation services: every write of the awards app, one module per area."""
