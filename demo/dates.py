"""Every date of the demo, from one day: "today".

The demo is a copy of the seed campaign shifted so that today lies in its second step (全面争创，扎实推进) on the
fourth day of the 党性分析 week: "基层党组织要在2010年“七一”前，集中一周时间，组织党员进行一次党性分析" (seed,
part 四 (二) 1) — the 'party_analysis' milestone is open and due in three days, while the first step's
milestones (制定方案 …) fell due four weeks ago. Everything else the demo writes is dated relative to those
phases, so that every service's own date checks hold for whatever day the demo is built on.
"""

import datetime
from dataclasses import dataclass
from functools import cached_property
from zoneinfo import ZoneInfo

from django.conf import settings

from awards.services.workdays import is_working_day
from campaign.models import Campaign, Milestone, Phase
from campaign.seed import load_seed_campaign

SEED_CAMPAIGN = "cxzy-2010"
ANALYSIS_MILESTONE = "party_analysis"
# The promise: the 党性分析 milestone is due this many days after today.
ANALYSIS_DUE_IN = 3
ONE_DAY = datetime.timedelta(days=1)


def seed_campaign() -> Campaign:
    """The seed campaign (loaded by a migration; loaded here too if somebody deleted it)."""
    return load_seed_campaign(Campaign, Phase, Milestone)


@dataclass(frozen=True)
class DemoDates:
    today: datetime.date
    # The seed's start and its 党性分析 due date: the shift is computed from them.
    seed_start: datetime.date
    seed_analysis_due: datetime.date

    @classmethod
    def for_day(cls, today: datetime.date) -> "DemoDates":
        seed = seed_campaign()
        due = Milestone.objects.get(campaign=seed, code=ANALYSIS_MILESTONE).due_date
        return cls(today=today, seed_start=seed.start_date, seed_analysis_due=due)

    @cached_property
    def shift(self) -> datetime.timedelta:
        return self.today + datetime.timedelta(days=ANALYSIS_DUE_IN) - self.seed_analysis_due

    @cached_property
    def campaign_start(self) -> datetime.date:
        return self.seed_start + self.shift

    def day(self, offset: int) -> datetime.date:
        """Today plus ``offset`` days (negative: in the past)."""
        return self.today + datetime.timedelta(days=offset)

    def at(self, offset: int, hour: int, minute: int = 0) -> datetime.datetime:
        """A local (Asia/Shanghai) moment ``offset`` days from today."""
        zone = ZoneInfo(settings.TIME_ZONE)
        return datetime.datetime.combine(self.day(offset), datetime.time(hour, minute), tzinfo=zone)

    def last_working_day_before(self, day: datetime.date | None = None) -> datetime.date:
        """The latest working day strictly before ``day`` (today by default), by the holiday calendar."""
        day = (day or self.today) - ONE_DAY
        while not is_working_day(day):
            day -= ONE_DAY
        return day
