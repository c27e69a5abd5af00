"""The admin of the campaign (timeline, plans, activities, supervision, masses, publicity).

Every model registered, scoped to a data manager's subtree, read-only.
Generated Chinese columns, filters and searches, the scope along each model's path to its organization,
read-only pages and history without revert: ``common.admin_base``. These records change in the portal,
through the app's services (their rules, history and notifications); here they are read and searched.
"""

from common.admin_base import GLOBAL, SUPERUSER_ONLY, register_app

register_app(
    "campaign",
    scopes={
        # The campaign's timeline: every user of the portal reads it.
        "Campaign": GLOBAL,
        "Phase": GLOBAL,
        "Milestone": GLOBAL,
        # A user's own inbox and the outgoing SMS/e-mail queue (phone numbers, addresses): the superuser's.
        "Notification": SUPERUSER_ONLY,
        "OutgoingMessage": SUPERUSER_ONLY,
    },
)
