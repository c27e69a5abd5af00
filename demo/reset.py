"""Taking the demo's dated objects away again, so that it can be rebuilt for another day.

Only what hangs on the demo's own codes goes: the demo campaign (with its phases, milestones, plans,
commitments, reports, activity records, reminders and dashboard snapshots), the demo period (with the
assessments, ratings and mass-evaluation batches of that period), the two demo rounds (with their quotas,
nominations and objections) and the inbox messages that point at any of them. The organizations, members and
accounts stay, and so does everything else in the database.
"""

from collections import defaultdict

from django.db import transaction
from django.db.models import ProtectedError
from django.urls import reverse

from awards.models import AwardRound, Nomination
from campaign.models import Campaign, Milestone, Notification, OutgoingMessage, Plan, ReminderDelivery
from evaluations.models import MassBatch, PartyAnalysisReport, Period
from orgs.models import Member, Org, User

from . import codes

# Rows the demo never deletes, whatever refers to them.
KEPT_MODELS = (Org, Member, User)
MAX_ROUNDS = 20


def demo_urls() -> set[str]:
    """The addresses inbox messages about demo objects point at (reminders, plans, reports, nominations)."""
    urls = {reverse("campaign:timeline_campaign", args=[codes.CAMPAIGN])}
    milestones = Milestone.objects.filter(campaign__code=codes.CAMPAIGN).values_list("pk", flat=True)
    urls |= {reverse("campaign:milestone_orgs", args=[pk]) for pk in milestones}
    plans = Plan.objects.filter(campaign__code=codes.CAMPAIGN).values_list("pk", flat=True)
    urls |= {reverse("campaign:plan_detail", args=[pk]) for pk in plans}
    reports = PartyAnalysisReport.objects.filter(campaign__code=codes.CAMPAIGN).values_list("pk", flat=True)
    urls |= {reverse("evaluations:report_detail", args=[pk]) for pk in reports}
    nominations = Nomination.objects.filter(award_round__code__in=codes.ROUNDS).values_list("pk", flat=True)
    urls |= {reverse("awards:nomination_detail", args=[pk]) for pk in nominations}
    return urls


def exists() -> bool:
    return (
        Campaign.objects.filter(code=codes.CAMPAIGN).exists()
        or Period.objects.filter(code=codes.PERIOD).exists()
        or AwardRound.objects.filter(code__in=codes.ROUNDS).exists()
    )


@transaction.atomic
def remove_demo() -> dict[str, int]:
    """Delete the demo's dated objects (see the module docstring); returns counts per model label."""
    deleted: dict[str, int] = defaultdict(int)
    urls = demo_urls()
    _count(deleted, Notification.objects.filter(url__in=urls).delete())
    sheets = list(MassBatch.objects.filter(period__code=codes.PERIOD).exclude(sheet="").values_list("sheet", flat=True))
    # One reminder row per organization and milestone: at province scale hundreds of thousands, removed by
    # one statement instead of through the ORM's collector (their sent messages stay, unlinked).
    deliveries = ReminderDelivery.objects.filter(milestone__campaign__code=codes.CAMPAIGN)
    OutgoingMessage.objects.filter(delivery__in=deliveries).update(delivery=None)
    deleted[ReminderDelivery._meta.label] += deliveries._raw_delete(deliveries.db)
    _delete(AwardRound.objects.filter(code__in=codes.ROUNDS), deleted)
    _delete(Period.objects.filter(code=codes.PERIOD), deleted)
    _delete(Campaign.objects.filter(code=codes.CAMPAIGN), deleted)
    transaction.on_commit(lambda: _delete_sheets(sheets))  # the files go only once the rows have gone
    return dict(deleted)


def _delete_sheets(names: list[str]) -> None:
    storage = MassBatch.sheet.field.storage
    for name in names:
        storage.delete(name)


def _count(deleted, result) -> None:
    for label, n in result[1].items():
        deleted[label] += n


def _delete(queryset, deleted, depth: int = 0) -> None:
    """Delete ``queryset``; rows that protect it (PROTECT foreign keys onto demo objects) are demo rows
    too and go first."""
    for _attempt in range(MAX_ROUNDS):
        try:
            with transaction.atomic():
                _count(deleted, queryset.delete())
            return
        except ProtectedError as exc:
            if depth > MAX_ROUNDS:
                raise
            blockers = defaultdict(list)
            for obj in exc.protected_objects:
                if isinstance(obj, KEPT_MODELS):
                    raise
                blockers[type(obj)].append(obj.pk)
            for model, pks in blockers.items():
                _delete(model._base_manager.filter(pk__in=pks), deleted, depth + 1)
    raise RuntimeError("demo objects could not be deleted")
