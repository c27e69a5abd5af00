"""manage.py demo_campaign [--today YYYY-MM-DD] [--rebuild]

Makes the demo (``load_demo``'s province) lived-in on any day: a copy of the seed campaign shifted so that
today lies in its second step with the 党性分析 milestone due in three days, and the work of the past weeks
done through the services (see ``demo.build``). Running it again on the same day changes nothing; on a later
day it removes what it built and builds it again for that day.
"""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse
from django.utils import timezone

from demo import codes
from demo.build import build_demo
from demo.people import DemoNotLoaded


def _date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"日期格式应为 YYYY-MM-DD，例如 2026-12-06（收到“{value}”）") from None


class Command(BaseCommand):
    help = "为演示准备“今天”正在进行的创先争优活动（第二步骤、党性分析 3 天后到期、公示进行中），可重复运行。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--today",
            type=_date,
            default=None,
            help="按哪一天准备演示（YYYY-MM-DD，默认今天）；换一天运行会删除并重建演示活动",
        )
        parser.add_argument("--rebuild", action="store_true", help="即使今天已准备过，也删除并重建演示数据")

    def handle(self, *args, today=None, rebuild=False, **options):
        today = today or timezone.localdate()
        try:
            outcome = build_demo(today, rebuild=rebuild)
        except DemoNotLoaded as exc:
            raise CommandError(f"缺少演示数据（{exc}）：请先运行 manage.py load_demo") from None
        campaign = outcome.campaign
        if not outcome.built:
            self.stdout.write(f"演示活动“{campaign.name}”已按 {today} 准备好，未作改动。")
            return
        if outcome.removed:
            self.stdout.write(f"已删除之前准备的演示数据（{sum(outcome.removed.values())} 条）。")
        phase = campaign.phase_on(today)
        due = campaign.milestones.get(code="party_analysis")
        self.stdout.write(
            self.style.SUCCESS(
                f"演示活动“{campaign.name}”已按 {today} 准备好（{campaign.start_date} 至 {campaign.end_date}）。"
            )
        )
        self.stdout.write(f"  当前步骤：第{phase.order}步骤 {phase.name}；“{due.name}”{due.due_date} 到期（还有 3 天）")
        self.stdout.write(f"  今日提醒：站内信 {outcome.reminders.get('notifications', 0)} 条")
        self.stdout.write(f"  公示页面：{reverse('awards:public', args=[codes.PUBLICITY_ROUND])}")
        if outcome.snapshot is not None:
            self.stdout.write(
                f"  领导小组看板已刷新（数据截至 {timezone.localtime(outcome.snapshot.finished_at):%H:%M:%S}）"
            )
        for line in outcome.extras:
            self.stdout.write(f"  {line}")
