"""Every write of the evaluations app, one module per area (criteria, assessments, scoring, tiers, mass …)."""
