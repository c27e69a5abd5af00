"""Roll-up tables of the dashboards, refreshed by a Celery task (``dashboards.services.refresh``).

"加强督促检查。采取听取汇报、专题调度、交流研讨、明查暗访等形式，了解活动进展情况" (seed, part 五).

A refresh writes one **snapshot**: for every active organization an ``own`` row (what belongs to the
organization itself) and ``tree`` rows (its whole subtree, one row per sector of the organizations
counted), plus ``OrgSeries`` rows for the figures with a second dimension (activities per type and month,
tiers per period, nominations per category and stage, services to households per kind and month). A
dashboard reads the node's and its children's rows: a handful of indexed queries whatever the size of the
subtree. Readers use the latest finished snapshot; the page shows when it was computed.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from campaign.models.badges import BadgeKind
from common.fields import set_null_fk
from orgs.models import Org

# Columns of OrgFigures that hold counts (summed over sectors and subtrees), in a fixed order.
PHASE_SLOTS = 6
# The 五个模范: criteria 1 … 5 of a member criteria set.
MODEL_SLOTS = 5
# 亮牌示范: the register's kind (campaign.models.BadgeKind) → the column counting its current entries.
BADGE_FIELDS = {
    BadgeKind.DEMO_HOUSEHOLD.value: "badge_demo_household",
    BadgeKind.VANGUARD_POST.value: "badge_vanguard_post",
    BadgeKind.RESPONSIBILITY_AREA.value: "badge_responsibility_area",
    BadgeKind.MODEL_POST.value: "badge_model_post",
}
# 群众工作站, 述职评议 and 一定三有 (dashboards.sources_bodies).
BODY_FIELDS = [
    "stations_active",
    "station_visits",
    "station_visits_closed",
    "duty_submitted",
    "duty_rated",
    "duty_good",
    "duty_fair",
    "duty_average",
    "duty_poor",
    "villages",
    "measure_applicable",
    "measure_done",
    "measure_progress",
]
COUNT_FIELDS = [
    "orgs",
    "basic_orgs",
    "plan_required",
    "plan_approved",
    "plan_submitted",
    "commitments_published",
    "commitments_fulfilled",
    "members_in_service",
    "pa_reports",
    "activities",
    "tier_rated",
    "tier_advanced",
    "tier_middle",
    "tier_backward",
    "prev_rated",
    "prev_advanced",
    "moved_up",
    "moved_down",
    "nominations",
    "nominations_approved",
    "rect_open",
    "rect_overdue",
    "rect_verified",
    "reminders_sent",
    "ms_due",
    "ms_overdue",
    "households_active",
    "households_no_contact",
    "service_records",
    "mass_meetings",
    "disputes_found",
    "disputes_resolved",
    "disputes_escalated",
    "disputes_unresolved",
    "disputes_pending",
    "bulletins",
    "basic_with_instructor",
    "college_officials",
    # 党员队伍: 党性分析 of every member, the branch's rating and its assessment on the 五个模范.
    "members_total",
    "pa_participated",
    "pa_written",
    "pa_accepted",
    "pa_accepted_required",
    "members_rated",
    "rated_excellent",
    "rated_qualified",
    "rated_basic",
    "rated_unqualified",
    "models_assessed",
    *[f"model{n}_reached" for n in range(1, MODEL_SLOTS + 1)],
    # 亮牌示范: current register entries per kind (BADGE_FIELDS), and 佩戴党徽 of the basic organizations.
    *BADGE_FIELDS.values(),
    "wearing_orgs",
    "wearing_members",
    "wearing_counted",
    # 群众工作站 (masswork), 述职评议 and 一定三有 (accountability).
    *BODY_FIELDS,
    *[f"phase{n}_applicable" for n in range(1, PHASE_SLOTS + 1)],
    *[f"phase{n}_done" for n in range(1, PHASE_SLOTS + 1)],
    "lag",
]


class Snapshot(models.Model):
    """One refresh of the roll-ups for one campaign, as of one day."""

    class Status(models.TextChoices):
        RUNNING = "running", _("计算中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")

    campaign = models.ForeignKey(
        "campaign.Campaign", verbose_name=_("活动"), on_delete=models.CASCADE, related_name="+"
    )
    as_of = models.DateField(_("统计日期"), help_text=_("逾期按此日期判断"))
    period = set_null_fk("evaluations.Period", _("本期考核期间"))
    previous_period = set_null_fk("evaluations.Period", _("上期考核期间"))
    award_round = set_null_fk("awards.AwardRound", _("本轮表彰"))
    phases = models.JSONField(_("活动步骤"), default=list, help_text=_("[{order, name}] 与 phaseN 列对应"))
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.RUNNING)
    started_at = models.DateTimeField(_("开始时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    seconds = models.FloatField(_("用时（秒）"), null=True, blank=True)
    error = models.TextField(_("错误"), blank=True)
    # Live figures (issue 14): a finished snapshot is brought up to date in place every DASHBOARD_REFRESH_SECONDS
    # (dashboards.services.update_snapshot): the organizations whose figures changed, rolled up to their ancestors.
    refreshed_at = models.DateTimeField(
        _("数据读取时间"), null=True, blank=True, help_text=_("最近一次增量更新开始的时间")
    )
    revision = models.PositiveIntegerField(_("更新次数"), default=0, help_text=_("有变化的增量更新次数"))
    update_seconds = models.FloatField(_("最近一次增量更新用时（秒）"), null=True, blank=True)
    changed_orgs = models.IntegerField(_("最近一次增量更新的组织数"), null=True, blank=True)

    class Meta:
        verbose_name = _("看板数据快照")
        verbose_name_plural = _("看板数据快照")
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["campaign", "status", "-finished_at"], name="dash_snapshot_latest")]

    def __str__(self):
        return f"{self.campaign} · {self.as_of}"

    @property
    def data_at(self):
        """When the figures were read ("数据截至"): every write committed before this moment is counted (the full
        refresh and each live update read the data in one transaction snapshot taken after it)."""
        return self.refreshed_at or self.started_at


class SnapshotRow(models.Model):
    """A row of one snapshot about one organization: the figures (``OrgFigures``) and the series (``OrgSeries``,
    ``OwnSeries``)."""

    # No database constraint: a refresh inserts millions of rows, and the constraint's trigger looked the snapshot up
    # once per row; the rows are deleted with their snapshot by drop_old_snapshots (and by Django's cascade). No
    # index of their own either: every read starts with the snapshot (the indexes below), and each index costs every
    # inserted row a descent (bench/README.md, 看板).
    snapshot = models.ForeignKey(
        Snapshot, on_delete=models.CASCADE, related_name="+", db_constraint=False, db_index=False
    )
    org = models.ForeignKey(Org, on_delete=models.CASCADE, related_name="+", db_constraint=False, db_index=False)

    class Meta:
        abstract = True


class OrgFigures(SnapshotRow):
    """The counts of one organization (``own``) or of its subtree (``tree``), for one sector."""

    class Kind(models.TextChoices):
        OWN = "own", _("本组织")
        TREE = "tree", _("含下级")

    # Copies of the node's path and depth: children and subtrees are index ranges.
    path = models.CharField(max_length=255)
    depth = models.PositiveIntegerField()
    # The sector of the organizations counted in this row (a tree row exists per sector present).
    sector = models.CharField(max_length=16, blank=True)
    kind = models.CharField(max_length=4, choices=Kind.choices)

    orgs = models.IntegerField(_("组织数"), default=0)
    basic_orgs = models.IntegerField(_("基层党组织"), default=0)
    plan_required = models.IntegerField(_("应制定实施方案"), default=0)
    plan_approved = models.IntegerField(_("实施方案已审批"), default=0)
    plan_submitted = models.IntegerField(_("实施方案待审批"), default=0)
    commitments_published = models.IntegerField(_("已公开承诺"), default=0)
    commitments_fulfilled = models.IntegerField(_("已兑现承诺"), default=0)
    members_in_service = models.IntegerField(_("在职党员"), default=0)
    pa_reports = models.IntegerField(_("已交党性分析报告"), default=0)
    activities = models.IntegerField(_("活动记录"), default=0)
    tier_rated = models.IntegerField(_("本期已评定"), default=0)
    tier_advanced = models.IntegerField(_("先进（五个好）"), default=0)
    tier_middle = models.IntegerField(_("中间"), default=0)
    tier_backward = models.IntegerField(_("后进"), default=0)
    prev_rated = models.IntegerField(_("上期已评定"), default=0)
    prev_advanced = models.IntegerField(_("上期先进"), default=0)
    moved_up = models.IntegerField(_("晋档"), default=0)
    moved_down = models.IntegerField(_("降档"), default=0)
    nominations = models.IntegerField(_("推荐"), default=0)
    nominations_approved = models.IntegerField(_("批准表彰"), default=0)
    rect_open = models.IntegerField(_("整改未完成"), default=0)
    rect_overdue = models.IntegerField(_("整改逾期"), default=0)
    rect_verified = models.IntegerField(_("整改已验收"), default=0)
    reminders_sent = models.IntegerField(_("已发提醒"), default=0)
    ms_due = models.IntegerField(_("已到期节点任务"), default=0)
    ms_overdue = models.IntegerField(_("逾期节点任务"), default=0)
    # 联系服务群众与基层治理 (issue 7). Dated records count from the campaign's start to the snapshot date.
    households_active = models.IntegerField(_("联系户（联系中）"), default=0)
    households_no_contact = models.IntegerField(
        _("30天未联系的户"), default=0, help_text=_("统计日期前30天内没有服务记录的联系中户")
    )
    service_records = models.IntegerField(_("联系服务记录"), default=0)
    mass_meetings = models.IntegerField(_("干群恳谈会"), default=0)
    disputes_found = models.IntegerField(_("排查矛盾纠纷"), default=0)
    disputes_resolved = models.IntegerField(_("纠纷已化解"), default=0)
    disputes_escalated = models.IntegerField(_("纠纷已上交"), default=0)
    disputes_unresolved = models.IntegerField(_("纠纷未化解"), default=0)
    disputes_pending = models.IntegerField(_("纠纷处理中"), default=0)
    bulletins = models.IntegerField(_("印发简报"), default=0)
    basic_with_instructor = models.IntegerField(_("有党建工作指导员的基层党组织"), default=0)
    college_officials = models.IntegerField(_("大学生村官"), default=0)
    # 党员队伍 (the branch's evaluation work on its members). Members and 党性分析 count by the member's
    # organization; ratings and the 五个模范 by the organization stored on the rating or assessment row.
    members_total = models.IntegerField(_("党员"), default=0)
    pa_participated = models.IntegerField(
        _("参加党性分析"), default=0, help_text=_("已登记参加或已提交党性分析报告的党员")
    )
    pa_written = models.IntegerField(_("党性分析报告（含自愿撰写）"), default=0)
    pa_accepted = models.IntegerField(_("党性分析报告审阅通过（含自愿撰写）"), default=0)
    pa_accepted_required = models.IntegerField(_("在职党员党性分析报告审阅通过"), default=0)
    members_rated = models.IntegerField(_("本期已评定等次党员"), default=0)
    rated_excellent = models.IntegerField(_("评定优秀"), default=0)
    rated_qualified = models.IntegerField(_("评定合格"), default=0)
    rated_basic = models.IntegerField(_("评定基本合格"), default=0)
    rated_unqualified = models.IntegerField(_("评定不合格"), default=0)
    models_assessed = models.IntegerField(_("本期党组织已考核党员"), default=0)
    model1_reached = models.IntegerField(_("达到“自觉学习的模范”"), default=0)
    model2_reached = models.IntegerField(_("达到“执行政策的模范”"), default=0)
    model3_reached = models.IntegerField(_("达到“服务群众的模范”"), default=0)
    model4_reached = models.IntegerField(_("达到“爱岗敬业的模范”"), default=0)
    model5_reached = models.IntegerField(_("达到“遵纪守法的模范”"), default=0)
    # 亮牌示范 (seed 四.(二).4) on the snapshot day. Register entries count for the organization on the entry (the
    # member's own organization; for a 示范岗位 the one that set it). 佩戴党徽: each active basic organization's own
    # latest month recorded up to the snapshot day, counted once per organization; where a basic 党委 or 党总支 and
    # branches under it each record, their figures are added as recorded (a sum of records, not of distinct members).
    badge_demo_household = models.IntegerField(_("党员示范户"), default=0)
    badge_vanguard_post = models.IntegerField(_("党员先锋岗"), default=0)
    badge_responsibility_area = models.IntegerField(_("党员责任区"), default=0)
    badge_model_post = models.IntegerField(_("示范岗位"), default=0)
    wearing_orgs = models.IntegerField(_("已登记佩戴党徽的基层党组织"), default=0)
    wearing_members = models.IntegerField(_("佩戴党徽人数"), default=0, help_text=_("各基层党组织最近一次登记之和"))
    wearing_counted = models.IntegerField(
        _("佩戴党徽统计党员数"), default=0, help_text=_("各基层党组织最近一次登记的党员总数之和")
    )
    # 群众工作站 (seed 一): stations open on the snapshot day; visits dated from the campaign's start to the snapshot
    # day, and those of them closed by that day. 述职评议 (seed 四.(二).5): the basic organizations' 述职 of the
    # snapshot's year, submitted, rated and per rating. 一定三有: villages (basic 农村 organizations under a
    # township), village × item pairs of the active items that apply, and those 已落实 / 落实中.
    stations_active = models.IntegerField(_("群众工作站（开放中）"), default=0)
    station_visits = models.IntegerField(_("群众工作站来访"), default=0)
    station_visits_closed = models.IntegerField(_("来访已办结"), default=0)
    duty_submitted = models.IntegerField(_("已提交述职"), default=0)
    duty_rated = models.IntegerField(_("述职已评议"), default=0)
    duty_good = models.IntegerField(_("述职评议为好"), default=0)
    duty_fair = models.IntegerField(_("述职评议为较好"), default=0)
    duty_average = models.IntegerField(_("述职评议为一般"), default=0)
    duty_poor = models.IntegerField(_("述职评议为差"), default=0)
    villages = models.IntegerField(_("村"), default=0)
    measure_applicable = models.IntegerField(_("一定三有应落实（村×条目）"), default=0)
    measure_done = models.IntegerField(_("一定三有已落实"), default=0)
    measure_progress = models.IntegerField(_("一定三有落实中"), default=0)
    phase1_applicable = models.IntegerField(default=0)
    phase2_applicable = models.IntegerField(default=0)
    phase3_applicable = models.IntegerField(default=0)
    phase4_applicable = models.IntegerField(default=0)
    phase5_applicable = models.IntegerField(default=0)
    phase6_applicable = models.IntegerField(default=0)
    phase1_done = models.IntegerField(default=0)
    phase2_done = models.IntegerField(default=0)
    phase3_done = models.IntegerField(default=0)
    phase4_done = models.IntegerField(default=0)
    phase5_done = models.IntegerField(default=0)
    phase6_done = models.IntegerField(default=0)
    lag = models.IntegerField(_("逾期事项"), default=0, help_text=_("逾期整改 + 逾期节点任务"))

    class Meta:
        verbose_name = _("看板汇总")
        verbose_name_plural = _("看板汇总")
        indexes = [
            models.Index(fields=["snapshot", "org", "kind"], name="dash_fig_org"),
            models.Index(
                fields=["snapshot", "kind", "depth", "path"],
                name="dash_fig_children",
                opclasses=["int8_ops", "varchar_pattern_ops", "int4_ops", "varchar_pattern_ops"],
            ),
            # The lists behind a figure and the lagging list read own rows only: the tree rows (half of a snapshot's)
            # are not indexed here, and a refresh writes two index entries less for each of them.
            models.Index(
                fields=["snapshot", "kind", "path"],
                name="dash_fig_path",
                opclasses=["int8_ops", "varchar_pattern_ops", "varchar_pattern_ops"],
                condition=models.Q(kind="own"),
            ),
            models.Index(
                fields=["snapshot", "kind", "-lag", "path"], name="dash_fig_lag", condition=models.Q(kind="own")
            ),
        ]

    def __str__(self):
        return f"{self.path} · {self.kind} · {self.sector}"


class SeriesRow(SnapshotRow):
    """A count with a second dimension for one organization and sector: ``family`` names the figure,
    ``key1``/``key2`` its coordinates (activity: type, month; tier: period id, tier; nomination:
    category, status; service: kind, month)."""

    class Family(models.TextChoices):
        ACTIVITY = "activity", _("活动记录")
        TIER = "tier", _("档次")
        NOMINATION = "nomination", _("推荐")
        SERVICE = "service", _("联系服务记录")

    sector = models.CharField(max_length=16, blank=True)
    family = models.CharField(max_length=12, choices=Family.choices)
    key1 = models.CharField(max_length=40)
    key2 = models.CharField(max_length=40, blank=True)
    value = models.IntegerField(default=0)

    class Meta:
        abstract = True

    def __str__(self):
        return f"{self.org_id} · {self.family} · {self.key1} · {self.key2}"


class OrgSeries(SeriesRow):
    """The series counts of one subtree (``SeriesRow``)."""

    class Meta:
        verbose_name = _("看板分项汇总")
        verbose_name_plural = _("看板分项汇总")
        indexes = [models.Index(fields=["snapshot", "org", "family"], name="dash_series_org")]


class OwnSeries(SeriesRow):
    """The series counts of one organization's own records (no subtree), per snapshot: what ``OrgSeries`` rolls
    up, kept so that the live update (``dashboards.services.update_snapshot``) can tell which organizations' series
    changed — also when a record only moved to another month, stage or tier — and add the difference to their
    ancestors. Pages never read it."""

    class Meta:
        verbose_name = _("看板分项（本组织）")
        verbose_name_plural = _("看板分项（本组织）")
        indexes = [models.Index(fields=["snapshot", "org"], name="dash_ownseries_org")]
