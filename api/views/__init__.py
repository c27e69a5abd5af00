"""The API's views: the base classes and the organization, member, campaign, plan and dashboard endpoints (core),
work done through the pages' services (work), results (results)."""
