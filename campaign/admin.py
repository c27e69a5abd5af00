"""The admin of the campaign (timeline, plans, activities, supervision, masses, publicity).

Every model registered, scoped to a data manager's subtree; 活动记录 and 承诺 (still a draft) can be corrected
through their services, everything else is read-only.
Generated Chinese columns, filters and searches, the scope along each model's path to its organization,
read-only pages and history without revert: ``common.admin_base``. These records change in the portal,
through the app's services (their rules, history and notifications); here they are read and searched.
"""

from django.contrib import admin
from django.contrib.admin import RelatedOnlyFieldListFilter

from common.actors import SYSTEM
from common.admin_base import GLOBAL, SUPERUSER_ONLY, ServiceChangeAdmin, register_app

from .models import ActivityRecord, Commitment
from .services.activities import FIELDS as ACTIVITY_FIELDS
from .services.activities import update_activity
from .services.commitments import update_commitment


@admin.register(ActivityRecord)
class ActivityRecordAdmin(ServiceChangeAdmin):
    """Type, date, title, description and count through ``update_activity``: the campaign's phase, the date and
    the count against the participants checked as in the portal; participants and files change in the portal."""

    fields = ["org", "campaign", *ACTIVITY_FIELDS]
    readonly_fields = ["org", "campaign"]
    list_display = ["title", "org", "activity_type", "date", "participant_count"]
    list_filter = ["activity_type", ("campaign", RelatedOnlyFieldListFilter), "date"]
    search_fields = ["title", "org__name"]
    list_select_related = ["org"]
    ordering = ["-date", "-pk"]

    def change(self, record, fields):
        return update_activity(record, by=SYSTEM, fields=fields, participants=list(record.participants.all()))


@admin.register(Commitment)
class CommitmentAdmin(ServiceChangeAdmin):
    """The text of a draft through ``update_commitment``; a published commitment (公开承诺) is read-only."""

    fields = ["org", "member", "campaign", "status", "content"]
    readonly_fields = ["org", "member", "campaign", "status"]
    list_display = ["__str__", "org", "member", "status"]
    list_filter = ["status", ("campaign", RelatedOnlyFieldListFilter)]
    search_fields = ["org__name", "member__name"]
    list_select_related = ["org", "member"]
    ordering = ["-pk"]

    def editable(self, commitment):
        return commitment.status == Commitment.Status.DRAFT

    def change(self, commitment, fields):
        return update_commitment(commitment, by=SYSTEM, content=fields["content"])


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
    # A group's members show their group first, as they always have: the fields shared through models.GroupMember
    # come before the model's own (``group``, ``phone``) in the generated options.
    options={
        "LeadingGroupMember": {
            "fields": ["group", "name", "post", "group_role", "user", "order"],
            "list_display": ["__str__", "group", "name", "post", "group_role"],
        },
        "GuidanceGroupMember": {
            "fields": ["group", "name", "post", "phone", "group_role", "user", "order"],
            "list_display": ["__str__", "group", "name", "post", "phone", "group_role"],
        },
    },
)
