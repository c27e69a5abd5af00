"""What a snapshot is about: its day, the periods rated, the award round and the campaign's phases."""

import datetime

from django.db.models import Exists, OuterRef

from ..models import PHASE_SLOTS, Snapshot


def current_periods(today: datetime.date):
    """(this period, the last period): the latest period with any result — a tier of an organization, a
    member's rating or a submitted branch assessment of a member — and the one rated before it."""
    from evaluations.models import Assessment, MemberRating, Period, Tier

    member_assessed = Assessment.objects.filter(
        period=OuterRef("pk"), target="member", source="superior", status="submitted"
    )
    rated = (
        Period.objects.filter(start_date__lte=today)
        .filter(
            Exists(Tier.objects.filter(period=OuterRef("pk")))
            | Exists(MemberRating.objects.filter(period=OuterRef("pk")))
            | Exists(member_assessed)
        )
        .order_by("-start_date", "-pk")[:2]
    )
    rated = list(rated)
    return (rated[0] if rated else None), (rated[1] if len(rated) > 1 else None)


def current_round(campaign, today: datetime.date):
    """The award round of the campaign whose nomination opened last (by today), else its first one;
    rounds not tied to a campaign when the campaign has none."""
    from awards.models import AwardRound

    rounds = AwardRound.objects.filter(campaign=campaign)
    if not rounds.exists():
        rounds = AwardRound.objects.all()
    return (
        rounds.filter(nomination_opens__lte=today).order_by("-nomination_opens", "-pk").first()
        or rounds.order_by("nomination_opens", "pk").first()
    )


def phases_of(campaign) -> list[dict]:
    return [{"order": p.order, "name": p.name} for p in campaign.phases.order_by("order")[:PHASE_SLOTS]]


def same_setting(snapshot: Snapshot, campaign, today: datetime.date) -> bool:
    period, previous = current_periods(today)
    round_ = current_round(campaign, today)
    return (
        snapshot.as_of == today
        and snapshot.period_id == (period.pk if period else None)
        and snapshot.previous_period_id == (previous.pk if previous else None)
        and snapshot.award_round_id == (round_.pk if round_ else None)
        and snapshot.phases == phases_of(campaign)
    )
