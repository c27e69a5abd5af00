"""The admin of personal API tokens: every model registered, scoped to a data manager's subtree, read-only.

Generated Chinese columns, filters and searches, the scope along each model's path to its organization,
read-only pages and history without revert: ``common.admin_base``. These records change in the portal,
through the app's services (their rules, history and notifications); here they are read and searched.
"""

from common.admin_base import SUPERUSER_ONLY, register_app

# A token belongs to its owner (created and revoked on his profile page): the superuser reads them, without the
# digest.
register_app("api", scopes={"ApiToken": SUPERUSER_ONLY}, options={"ApiToken": {"exclude": ["digest"]}})
