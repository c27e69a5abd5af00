"""The admin of evaluations (criteria, periods, assessments, mass evaluation, tiers).

Every model registered, scoped to a data manager's subtree, read-only.
Generated Chinese columns, filters and searches, the scope along each model's path to its organization,
read-only pages and history without revert: ``common.admin_base``. These records change in the portal,
through the app's services (their rules, history and notifications); here they are read and searched.
"""

from common.admin_base import GLOBAL, SUPERUSER_ONLY, register_app

register_app(
    "evaluations",
    scopes={
        # Criteria and periods: every user of the portal reads them.
        "CriteriaSet": GLOBAL,
        "Criterion": GLOBAL,
        "Period": GLOBAL,
        "SourceWeights": GLOBAL,
        # A mass-evaluation token is a password of the masses; an answer is anonymous by design.
        "MassToken": SUPERUSER_ONLY,
        "MassAnswer": SUPERUSER_ONLY,
    },
)
