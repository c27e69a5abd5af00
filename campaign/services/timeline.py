"""Campaigns, phases and milestones: the current phase, marking work done, copying a campaign."""

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from orgs.models import Org, User

from ..models import Campaign, Milestone, MilestoneDone


def current_campaign(day: datetime.date | None = None) -> Campaign | None:
    """The campaign running on ``day`` (the latest started one if several), else the latest one."""
    day = day or timezone.localdate()
    running = Campaign.objects.filter(start_date__lte=day, end_date__gte=day).order_by("-start_date").first()
    return running or Campaign.objects.order_by("-start_date").first()


def mark_done(campaign: Campaign, code: str, org: Org, *, by: User | None = None, note: str = "") -> bool:
    """Record that ``org`` has done milestone ``code`` of ``campaign``. Idempotent; False if nothing new."""
    milestone = Milestone.objects.filter(campaign=campaign, code=code).first()
    if milestone is None or not milestone.applies_to(org):
        return False
    if MilestoneDone.objects.filter(milestone=milestone, org=org).exists():
        return False
    try:
        with transaction.atomic():
            MilestoneDone.objects.create(milestone=milestone, org=org, org_path=org.path, by=by, note=note)
    except IntegrityError:  # done concurrently by somebody else: same outcome
        return False
    return True


def unmark_done(campaign: Campaign, code: str, org: Org) -> None:
    MilestoneDone.objects.filter(milestone__campaign=campaign, milestone__code=code, org=org).delete()


@transaction.atomic
def copy_campaign(source: Campaign, *, name: str, code: str, start_date: datetime.date, by: User | None = None):
    """A new campaign with ``source``'s phases and milestones, every date shifted by the same delta."""
    delta = start_date - source.start_date
    campaign = Campaign.objects.create(
        name=name, code=code, start_date=start_date, end_date=source.end_date + delta, copied_from=source
    )
    for phase in source.phases.prefetch_related("milestones"):
        new_phase = campaign.phases.create(
            order=phase.order,
            name=phase.name,
            start_date=phase.start_date + delta,
            end_date=phase.end_date + delta,
            description=phase.description,
        )
        Milestone.objects.bulk_create(
            Milestone(
                campaign=campaign,
                phase=new_phase,
                code=m.code,
                name=m.name,
                description=m.description,
                start_date=m.start_date + delta if m.start_date else None,
                due_date=m.due_date + delta,
                levels=m.levels,
                kinds=m.kinds,
                sectors=m.sectors,
                reminders=m.reminders,
                order=m.order,
            )
            for m in phase.milestones.all()
        )
    return campaign
