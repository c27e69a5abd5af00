"""Make the demo usable today: a running copy of the seed campaign, an assessment period, the
seed's 2011/2012 rounds and holiday calendar, and an open demo round with quotas down to 正定县.

Run after ``load_demo`` (start.sh does). Idempotent.
"""

import datetime

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from awards.models import AwardCategory, AwardRound, CalendarDay, Quota
from awards.seed import load_seed_calendar, load_seed_rounds
from awards.services.rounds import CATEGORIES_BY_KIND
from campaign.models import Campaign, Milestone, Phase
from campaign.seed import load_seed_campaign
from campaign.services.timeline import copy_campaign
from evaluations.models import Period
from orgs.enums import OrgLevel
from orgs.models import Org

DEMO_CAMPAIGN = "cxzy-demo"
DEMO_ROUND = "demo-qiyi"
PROVINCE, CITY, COUNTY = "130000", "130100", "130123"


class Command(BaseCommand):
    help = "为演示准备正在进行的创先争优活动、考核期间和开放推荐的表彰轮次（可重复运行）"

    @transaction.atomic
    def handle(self, *args, **options):
        today = timezone.localdate()
        seed = load_seed_campaign(Campaign, Phase, Milestone)
        campaign = Campaign.objects.filter(code=DEMO_CAMPAIGN).first()
        if campaign is None:
            # Day 31 of phase one: plans are being written, the other phases lie ahead.
            campaign = copy_campaign(
                seed, name="创先争优活动（演示）", code=DEMO_CAMPAIGN, start_date=today - datetime.timedelta(days=30)
            )
        Period.objects.get_or_create(
            code=f"demo-{today.year}",
            defaults={
                "name": f"{today.year}年度（演示）",
                "start_date": campaign.start_date,
                "end_date": campaign.end_date,
                "campaign": campaign,
            },
        )
        load_seed_calendar(CalendarDay)
        load_seed_rounds(AwardRound, AwardCategory, Org, Campaign)
        province = Org.objects.filter(code=PROVINCE).first()
        if province is not None and not AwardRound.objects.filter(code=DEMO_ROUND).exists():
            self._demo_round(campaign, province, today)
        self.stdout.write(self.style.SUCCESS(f"演示活动“{campaign.name}”已就绪（{campaign.start_date} 起）。"))

    def _demo_round(self, campaign, province, today):
        award_round = AwardRound.objects.create(
            campaign=campaign,
            name="演示：七一集中表彰",
            code=DEMO_ROUND,
            kind="concentrated",
            owner_org=province,
            nomination_opens=today - datetime.timedelta(days=3),
            nomination_closes=today + datetime.timedelta(days=14),
            review_closes=today + datetime.timedelta(days=30),
            publicity_starts=today + datetime.timedelta(days=31),
            decision_date=today + datetime.timedelta(days=50),
            objection_contact="省委组织部（演示）",
        )
        categories = [
            AwardCategory.objects.create(award_round=award_round, code=code, nominee_kind=kind, order=order)
            for order, (code, kind) in enumerate(CATEGORIES_BY_KIND["concentrated"], start=1)
        ]
        chain = [(PROVINCE, 30), (CITY, 8), (COUNTY, 3)]
        orgs = {o.code: o for o in Org.objects.filter(code__in=[code for code, _n in chain])}
        county = orgs.get(COUNTY)
        townships = list(Org.objects.get_children(county).filter(level=OrgLevel.TOWNSHIP)) if county else []
        rows = [(orgs[code], amount) for code, amount in chain if code in orgs] + [(t, 2) for t in townships]
        Quota.objects.bulk_create(Quota(category=c, org=org, amount=n) for c in categories for org, n in rows)
