"""The admin of the dashboards' roll-ups (computed, never entered).

Every model registered, scoped to a data manager's subtree, read-only.
Generated Chinese columns, filters and searches, the scope along each model's path to its organization,
read-only pages and history without revert: ``common.admin_base``. These records change in the portal,
through the app's services (their rules, history and notifications); here they are read and searched.
"""

from common.admin_base import register_app

register_app("dashboards")
