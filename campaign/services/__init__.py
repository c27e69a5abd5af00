"""Every write of the campaign app goes through a function here (one module per area)."""
