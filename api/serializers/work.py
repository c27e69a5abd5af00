"""What the API reads and accepts for the campaign's work: milestone fulfilment, assessments and tiers per period,
award rounds, nominations, the commendation list and imports. Every field carries a Chinese ``help_text``;
request bodies refuse fields they do not know (``StrictSerializer``)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from awards.enums import RoundKind
from awards.models import AwardRound, Nomination
from campaign.models import MilestoneDone
from evaluations.enums import AssessmentStatus, Source, Target, TierLevel
from evaluations.models import Assessment, Period, Tier
from orgs.models import ImportJob

from .core import OrgRefSerializer, StrictSerializer

# --- milestone fulfilment -------------------------------------------------------------------------


class MarkDoneSerializer(StrictSerializer):
    note = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default="", help_text=_("说明（可选，最多 200 字）")
    )


class EmptySerializer(StrictSerializer):
    """请求体为空（或空对象）。"""


class MilestoneDoneSerializer(serializers.Serializer):
    milestone = serializers.IntegerField(help_text=_("节点任务编号"))
    milestone_name = serializers.CharField(help_text=_("节点任务名称"))
    org = OrgRefSerializer(help_text=_("组织"))
    done = serializers.BooleanField(help_text=_("现在是否已登记完成"))
    changed = serializers.BooleanField(help_text=_("本次请求是否改变了登记（已是该状态时为 false）"))
    done_at = serializers.DateTimeField(allow_null=True, help_text=_("完成时间；未完成为 null"))
    by = serializers.CharField(allow_null=True, help_text=_("确认人；未完成或由业务自动登记时为 null"))
    note = serializers.CharField(help_text=_("说明"))


class MilestoneOrgSerializer(serializers.ModelSerializer):
    """一个组织的完成登记。"""

    org = OrgRefSerializer(help_text=_("组织"))
    done_at = serializers.DateTimeField(help_text=_("完成时间"))
    by = serializers.StringRelatedField(allow_null=True, help_text=_("确认人；由业务自动登记时为 null"))
    note = serializers.CharField(help_text=_("说明"))

    class Meta:
        model = MilestoneDone
        fields = ["org", "done_at", "by", "note"]


# --- periods, assessments, tiers ------------------------------------------------------------------


class PeriodSerializer(serializers.ModelSerializer):
    code = serializers.CharField(help_text=_("考核期间代码"))
    name = serializers.CharField(help_text=_("考核期间名称"))
    start_date = serializers.DateField(help_text=_("开始日期"))
    end_date = serializers.DateField(help_text=_("结束日期"))
    campaign = serializers.CharField(source="campaign.code", allow_null=True, help_text=_("所属活动代码；可为空"))

    class Meta:
        model = Period
        fields = ["code", "name", "start_date", "end_date", "campaign"]


class ScoreSerializer(serializers.Serializer):
    criterion = serializers.IntegerField(source="criterion_id", help_text=_("评价项目编号"))
    criterion_name = serializers.CharField(source="criterion.name", help_text=_("评价项目名称"))
    level = serializers.CharField(help_text=_("等次代码"))
    points = serializers.DecimalField(
        max_digits=5, decimal_places=2, allow_null=True, coerce_to_string=False, help_text=_("等次分；提交后才有")
    )
    comment = serializers.CharField(help_text=_("说明"))


class MemberRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text=_("党员编号"))
    name = serializers.CharField(help_text=_("姓名"))


class AssessmentSerializer(serializers.ModelSerializer):
    id = serializers.IntegerField(help_text=_("评价编号"))
    period = serializers.CharField(source="period.code", help_text=_("考核期间代码"))
    target = serializers.ChoiceField(choices=Target.choices, help_text=_("评价对象：党组织或党员"))
    source = serializers.ChoiceField(choices=Source.choices, help_text=_("来源：自评、上级考核、党员评议"))
    source_label = serializers.CharField(source="get_source_display", help_text=_("来源（中文）"))
    org = OrgRefSerializer(help_text=_("被评价的组织（评价党员时为其所在组织）"))
    member = MemberRefSerializer(allow_null=True, help_text=_("被评价的党员；评价组织时为 null"))
    criteria_set = serializers.CharField(source="criteria_set.name", help_text=_("评价标准"))
    status = serializers.ChoiceField(choices=AssessmentStatus.choices, help_text=_("状态：草稿、已提交（锁定）"))
    score = serializers.DecimalField(
        max_digits=5, decimal_places=2, allow_null=True, coerce_to_string=False, help_text=_("得分；提交后才有")
    )
    comment = serializers.CharField(help_text=_("总体评语"))
    submitted_at = serializers.DateTimeField(allow_null=True, help_text=_("提交时间"))
    updated_at = serializers.DateTimeField(help_text=_("修改时间"))

    class Meta:
        model = Assessment
        fields = [
            "id",
            "period",
            "target",
            "source",
            "source_label",
            "org",
            "member",
            "criteria_set",
            "status",
            "score",
            "comment",
            "submitted_at",
            "updated_at",
        ]


class AssessmentDetailSerializer(AssessmentSerializer):
    scores = ScoreSerializer(many=True, source="scores.all", help_text=_("各评价项目的等次"))

    class Meta(AssessmentSerializer.Meta):
        fields = [*AssessmentSerializer.Meta.fields, "scores"]


class ScoreInputSerializer(StrictSerializer):
    criterion = serializers.IntegerField(
        min_value=1, max_value=2_147_483_647, help_text=_("评价项目编号（须属于本评价适用的评价标准）")
    )
    level = serializers.CharField(max_length=20, allow_blank=True, help_text=_("等次代码；空为暂不评定"))
    comment = serializers.CharField(
        max_length=300, required=False, allow_blank=True, default="", help_text=_("说明（最多 300 字）")
    )


class AssessInputSerializer(StrictSerializer):
    scores = ScoreInputSerializer(many=True, max_length=100, help_text=_("各评价项目的等次；每个项目至多一次"))
    comment = serializers.CharField(
        max_length=2000, required=False, allow_blank=True, default="", help_text=_("总体评语")
    )
    submit = serializers.BooleanField(
        required=False, default=False, help_text=_("true：提交并锁定（每一项都须评定）；false：保存草稿")
    )


class TierSerializer(serializers.ModelSerializer):
    org = OrgRefSerializer(help_text=_("组织"))
    period = serializers.CharField(source="period.code", help_text=_("考核期间代码"))
    tier = serializers.ChoiceField(
        source="eff", choices=TierLevel.choices, allow_null=True, help_text=_("档次（调整后的为准）：先进、中间、后进")
    )
    computed = serializers.ChoiceField(
        choices=TierLevel.choices, allow_null=True, help_text=_("计算档次；尚未计算为 null")
    )
    override = serializers.ChoiceField(
        choices=TierLevel.choices, allow_null=True, help_text=_("调整档次；未调整为 null")
    )
    override_reason = serializers.CharField(help_text=_("调整理由"))
    score = serializers.DecimalField(
        max_digits=5, decimal_places=2, allow_null=True, coerce_to_string=False, help_text=_("综合得分")
    )
    computed_at = serializers.DateTimeField(allow_null=True, help_text=_("计算时间"))

    class Meta:
        model = Tier
        fields = ["org", "period", "tier", "computed", "override", "override_reason", "score", "computed_at"]


# --- awards ---------------------------------------------------------------------------------------


class AwardRoundSerializer(serializers.ModelSerializer):
    code = serializers.CharField(help_text=_("表彰轮次代码"))
    name = serializers.CharField(help_text=_("名称"))
    kind = serializers.ChoiceField(choices=RoundKind.choices, help_text=_("类型"))
    kind_label = serializers.CharField(source="get_kind_display", help_text=_("类型（中文）"))
    campaign = serializers.CharField(source="campaign.code", allow_null=True, help_text=_("所属活动代码；可为空"))
    owner_org = OrgRefSerializer(help_text=_("表彰机关（作出表彰决定的党委）"))
    nomination_opens = serializers.DateField(help_text=_("推荐开始"))
    nomination_closes = serializers.DateField(help_text=_("推荐截止"))
    review_closes = serializers.DateField(help_text=_("审核截止"))
    publicity_starts = serializers.DateField(help_text=_("公示开始"))
    publicity_working_days = serializers.IntegerField(help_text=_("公示期（工作日）"))
    publicity_started = serializers.BooleanField(help_text=_("公示是否已开始"))
    decision_date = serializers.DateField(help_text=_("表彰决定日期"))

    class Meta:
        model = AwardRound
        fields = [
            "code",
            "name",
            "kind",
            "kind_label",
            "campaign",
            "owner_org",
            "nomination_opens",
            "nomination_closes",
            "review_closes",
            "publicity_starts",
            "publicity_working_days",
            "publicity_started",
            "decision_date",
        ]


class NominationSerializer(serializers.ModelSerializer):
    id = serializers.IntegerField(help_text=_("推荐编号"))
    award_round = serializers.CharField(source="award_round.code", help_text=_("表彰轮次代码"))
    category = serializers.CharField(source="category.get_code_display", help_text=_("表彰类别"))
    nominee_name = serializers.CharField(help_text=_("推荐对象"))
    nominee_kind = serializers.SerializerMethodField(help_text=_("推荐对象类别：member 党员，org 党组织"))
    unit = serializers.CharField(help_text=_("单位"))
    post = serializers.CharField(help_text=_("职务"))
    city = serializers.CharField(source="city_name", help_text=_("所属市"))
    nominating_org = OrgRefSerializer(help_text=_("推荐单位"))
    current_org = OrgRefSerializer(allow_null=True, help_text=_("目前所在审核层级；已结束的为 null"))
    status = serializers.ChoiceField(choices=Nomination.Status.choices, help_text=_("状态"))
    status_label = serializers.CharField(source="get_status_display", help_text=_("状态（中文）"))
    created_at = serializers.DateTimeField(help_text=_("推荐时间"))

    class Meta:
        model = Nomination
        fields = [
            "id",
            "award_round",
            "category",
            "nominee_name",
            "nominee_kind",
            "unit",
            "post",
            "city",
            "nominating_org",
            "current_org",
            "status",
            "status_label",
            "created_at",
        ]

    def get_nominee_kind(self, nomination) -> str:
        return "member" if nomination.nominee_member_id else "org"


class CommendedSerializer(serializers.ModelSerializer):
    """表彰名单的一行（与表彰决定所附名单相同的顺序：市、类别、姓名）。"""

    id = serializers.IntegerField(help_text=_("推荐编号"))
    category = serializers.CharField(source="category.get_code_display", help_text=_("表彰类别"))
    nominee_name = serializers.CharField(help_text=_("受表彰对象"))
    unit = serializers.CharField(help_text=_("单位"))
    post = serializers.CharField(help_text=_("职务"))
    city = serializers.CharField(source="city_name", help_text=_("所属市"))

    class Meta:
        model = Nomination
        fields = ["id", "category", "nominee_name", "unit", "post", "city"]


# --- imports --------------------------------------------------------------------------------------


class ImportErrorSerializer(serializers.Serializer):
    row = serializers.IntegerField(allow_null=True, help_text=_("行号（表头为第 1 行）；整个文件的问题为 null"))
    column = serializers.CharField(help_text=_("列名"))
    message = serializers.CharField(help_text=_("原因"))


class ImportSummarySerializer(serializers.Serializer):
    created = serializers.IntegerField(required=False, help_text=_("新增"))
    updated = serializers.IntegerField(required=False, help_text=_("更新"))
    unchanged = serializers.IntegerField(required=False, help_text=_("未变"))
    transferred = serializers.IntegerField(required=False, help_text=_("转移组织关系（党员导入）"))
    rows = serializers.IntegerField(required=False, help_text=_("数据行数"))


class ImportJobSerializer(serializers.ModelSerializer):
    id = serializers.IntegerField(help_text=_("导入任务编号"))
    url = serializers.SerializerMethodField(help_text=_("本任务的地址：轮询它直到 status 不再是进行中的状态"))
    kind = serializers.ChoiceField(choices=ImportJob.Kind.choices, help_text=_("导入类型：组织、党员"))
    status = serializers.ChoiceField(
        choices=ImportJob.Status.choices,
        help_text=_("状态：已上传、校验中 → 校验未通过 / 校验通过待确认 → 导入中 → 已导入；导入失败"),
    )
    status_label = serializers.CharField(source="get_status_display", help_text=_("状态（中文）"))
    running = serializers.SerializerMethodField(help_text=_("是否仍在进行（校验或导入中）"))
    percent = serializers.SerializerMethodField(help_text=_("进度百分比"))
    original_name = serializers.CharField(help_text=_("上传的文件名"))
    total_rows = serializers.IntegerField(help_text=_("总行数"))
    processed_rows = serializers.IntegerField(help_text=_("已处理行数"))
    summary = serializers.SerializerMethodField(help_text=_("试导入（或导入）的结果：新增、更新、未变"))
    errors_total = serializers.SerializerMethodField(help_text=_("错误总数"))
    errors = serializers.SerializerMethodField(help_text=_("逐行的错误（最多前 500 条）"))
    confirm_url = serializers.SerializerMethodField(help_text=_("确认导入的地址；只在校验通过待确认时有，否则为 null"))
    created_at = serializers.DateTimeField(help_text=_("上传时间"))
    updated_at = serializers.DateTimeField(help_text=_("更新时间"))

    ERRORS_SHOWN = 500

    class Meta:
        model = ImportJob
        fields = [
            "id",
            "url",
            "kind",
            "status",
            "status_label",
            "running",
            "percent",
            "original_name",
            "total_rows",
            "processed_rows",
            "summary",
            "errors_total",
            "errors",
            "confirm_url",
            "created_at",
            "updated_at",
        ]

    def _absolute(self, path: str) -> str:
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path

    def get_url(self, job) -> str:
        return self._absolute(reverse("api:import_detail", args=[job.pk]))

    def get_running(self, job) -> bool:
        from orgs.io import jobs

        return job.status in jobs.ACTIVE

    def get_percent(self, job) -> int:
        from orgs.io import jobs

        return jobs.progress_percent(job)

    @extend_schema_field(ImportSummarySerializer)
    def get_summary(self, job):
        summary = job.summary or {}
        keys = ImportSummarySerializer._declared_fields
        return {k: summary[k] for k in keys if isinstance(summary.get(k), int)}

    def get_errors_total(self, job) -> int:
        return len(job.errors or [])

    @extend_schema_field(ImportErrorSerializer(many=True))
    def get_errors(self, job):
        rows = (job.errors or [])[: self.ERRORS_SHOWN]
        return [
            {"row": e.get("row"), "column": f"{e.get('column') or ''}", "message": f"{e.get('message') or ''}"}
            for e in rows
        ]

    def get_confirm_url(self, job) -> str | None:
        if job.status != ImportJob.Status.VALID:
            return None
        return self._absolute(reverse("api:import_confirm", args=[job.pk]))
