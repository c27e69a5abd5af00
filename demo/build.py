"""Build the whole demo for one day, in one transaction, through the services the pages use.

Order matters only where the real rules make it matter: the plan is written in the first step and returned
before its deadline; the reports are written inside the 党性分析 week; the 公示 starts after the nominations went
up; the daily reminders run last, for today, as the beat would; the dashboards are refreshed after the commit.
"""

import datetime
from dataclasses import dataclass, field

from django.db import transaction

from accountability import demo as accountability_demo
from awards.models import AwardRound
from campaign.models import Campaign
from campaign.services.reminders import run_daily_reminders
from dashboards.services import refresh
from evaluations.models import Period
from masswork import demo as masswork_demo

from . import build_awards, build_bodies, build_campaign, build_evaluations, build_extras, codes, reset
from .dates import DemoDates
from .people import ensure_people, find_cast


@dataclass
class Outcome:
    dates: DemoDates
    built: bool
    campaign: Campaign
    removed: dict = field(default_factory=dict)
    reminders: dict = field(default_factory=dict)
    snapshot: object = None
    extras: list[str] = field(default_factory=list)


def is_built(dates: DemoDates) -> bool:
    """Is the demo in the database, anchored on ``dates.today``? (The build is one transaction: all or none.)"""
    campaign = Campaign.objects.filter(code=codes.CAMPAIGN).first()
    return (
        campaign is not None
        and campaign.start_date == dates.campaign_start
        and Period.objects.filter(code=codes.PERIOD, campaign=campaign).exists()
        and AwardRound.objects.filter(code__in=codes.ROUNDS).count() == len(codes.ROUNDS)
    )


def build_demo(today: datetime.date, *, rebuild: bool = False) -> Outcome:
    """The demo for ``today``: nothing happens when it is built for that day already (unless ``rebuild``);
    built for another day, its dated objects are removed and built again."""
    dates = DemoDates.for_day(today)
    cast = find_cast()
    if not rebuild and is_built(dates):
        return Outcome(dates=dates, built=False, campaign=Campaign.objects.get(code=codes.CAMPAIGN))
    with transaction.atomic():
        removed = reset.remove_demo() if reset.exists() else {}
        ensure_people(cast)
        build_bodies.build_bodies(cast)
        build_awards.load_seed()
        campaign = build_campaign.build_campaign(dates, cast)
        build_campaign.build_first_step(campaign, cast)
        build_campaign.build_neighbour_plans(campaign, cast)
        build_campaign.build_activities(campaign, dates, cast)
        build_campaign.build_guided_activity(campaign, dates, cast)
        build_campaign.build_commitments(campaign, dates, cast)
        period = build_evaluations.build_period(campaign, dates, cast)
        build_evaluations.build_reports(campaign, dates, cast)
        build_evaluations.build_self_assessment(period, cast)
        build_evaluations.build_mass_batch(period, dates, cast)
        build_extras.build_rating(period, cast)
        build_extras.build_badges(dates, cast)
        masswork_demo.build_demo(cast.branch, by=cast.secretary, today=dates.today)
        accountability_demo.build_demo(
            branch=cast.branch,
            secretary=cast.secretary,
            county=cast.county,
            county_department=cast.county_department,
            neighbours=cast.neighbours,
            today=dates.today,
        )
        assumed = build_awards.assume_missing_years(dates)
        build_awards.build_nomination_round(campaign, dates, cast)
        build_awards.build_publicity_round(campaign, dates, cast)
        reminders = run_daily_reminders(dates.today)
    snapshot = refresh_dashboards(campaign, dates)
    extras = [f"{year}年节假日安排尚未公布，公示期暂按周一至周五推定（仅供演示）" for year in assumed]
    return Outcome(
        dates=dates,
        built=True,
        campaign=campaign,
        removed=removed,
        reminders=reminders,
        snapshot=snapshot,
        extras=extras,
    )


def refresh_dashboards(campaign: Campaign, dates: DemoDates):
    """The roll-ups the dashboards read, computed now (the same service the periodic task runs)."""
    return refresh(campaign, today=dates.today, force=True)
