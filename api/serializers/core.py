"""What the API reads and accepts. Every field carries a Chinese ``help_text`` (the OpenAPI document names each
field in Chinese); request bodies refuse fields they do not know (400 with the field), never ignore them."""

import re

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from campaign.models import Campaign, Milestone, Plan, PlanVersion
from campaign.models.plans import PLAN_CONTENT_FIELDS
from dashboards.models import COUNT_FIELDS, OrgFigures
from orgs.enums import Gender, MemberCategory, MemberStatus, OrgKind, OrgLevel
from orgs.models import Member, Org

from ..models import ApiToken


class StrictSerializer(serializers.Serializer):
    """请求体：只接受这里列出的字段，未知字段答 400。"""

    def to_internal_value(self, data):
        if isinstance(data, dict):
            unknown = sorted(set(data) - set(self.fields))
            if unknown:
                raise serializers.ValidationError({name: [_("未知字段")] for name in unknown})
        return super().to_internal_value(data)


# --- organizations and members -------------------------------------------------------------------


class OrgSerializer(serializers.ModelSerializer):
    code = serializers.CharField(help_text=_("组织编码"))
    name = serializers.CharField(help_text=_("组织名称"))
    kind = serializers.ChoiceField(choices=OrgKind.choices, help_text=_("组织类别：党委、党工委、党总支、党支部"))
    kind_label = serializers.CharField(source="get_kind_display", help_text=_("组织类别（中文）"))
    level = serializers.ChoiceField(choices=OrgLevel.choices, help_text=_("层级：省、市、县、乡镇、基层党组织"))
    level_label = serializers.CharField(source="get_level_display", help_text=_("层级（中文）"))
    sector = serializers.CharField(help_text=_("所属领域代码；地方党委为空"))
    sector_label = serializers.CharField(source="get_sector_display", help_text=_("所属领域（中文）"))
    ethnic_religious = serializers.BooleanField(help_text=_("是否少数民族和信教群众聚居地区"))
    subtree_orgs = serializers.IntegerField(help_text=_("下级组织数（含各级）"))
    subtree_members = serializers.IntegerField(help_text=_("党员数（含下级组织）"))
    has_children = serializers.SerializerMethodField(help_text=_("是否有下级组织"))

    class Meta:
        model = Org
        fields = [
            "code",
            "name",
            "kind",
            "kind_label",
            "level",
            "level_label",
            "sector",
            "sector_label",
            "ethnic_religious",
            "subtree_orgs",
            "subtree_members",
            "has_children",
        ]

    def get_has_children(self, org) -> bool:
        return org.numchild > 0


class OrgRefSerializer(serializers.Serializer):
    code = serializers.CharField(help_text=_("组织编码"))
    name = serializers.CharField(help_text=_("组织名称"))


class MemberSerializer(serializers.ModelSerializer):
    """党员（与党员页面相同：身份证号遮蔽显示，如 1301**********123X）。"""

    id = serializers.IntegerField(help_text=_("党员编号"))
    name = serializers.CharField(help_text=_("姓名"))
    gender = serializers.ChoiceField(choices=Gender.choices, help_text=_("性别"))
    ethnicity = serializers.CharField(help_text=_("民族"))
    birth_date = serializers.DateField(help_text=_("出生日期"))
    id_number_masked = serializers.CharField(
        source="masked_id_number", help_text=_("身份证号（遮蔽，只显示前四位和后四位）")
    )
    mobile = serializers.CharField(help_text=_("手机号码"))
    join_date = serializers.DateField(help_text=_("入党日期"))
    status = serializers.ChoiceField(choices=MemberStatus.choices, help_text=_("党员状态：正式、预备"))
    category = serializers.ChoiceField(choices=MemberCategory.choices, help_text=_("人员类别"))
    post = serializers.CharField(help_text=_("岗位"))
    badges = serializers.ListField(
        child=serializers.CharField(help_text=_("亮牌名称")), help_text=_("亮牌示范：党员示范户、先锋岗、责任区")
    )
    org = OrgRefSerializer(help_text=_("所在组织"))

    class Meta:
        model = Member
        fields = [
            "id",
            "name",
            "gender",
            "ethnicity",
            "birth_date",
            "id_number_masked",
            "mobile",
            "join_date",
            "status",
            "category",
            "post",
            "badges",
            "org",
        ]


class FullIdNumberSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text=_("党员编号"))
    id_number = serializers.CharField(help_text=_("完整身份证号（每次查看都记入审计）"))


# --- the campaign ---------------------------------------------------------------------------------


class CampaignSerializer(serializers.ModelSerializer):
    code = serializers.CharField(help_text=_("活动代码"))
    name = serializers.CharField(help_text=_("活动名称"))
    start_date = serializers.DateField(help_text=_("开始日期"))
    end_date = serializers.DateField(help_text=_("结束日期"))

    class Meta:
        model = Campaign
        fields = ["code", "name", "start_date", "end_date"]


class MilestoneSerializer(serializers.ModelSerializer):
    code = serializers.CharField(help_text=_("节点任务代码"))
    name = serializers.CharField(help_text=_("节点任务名称"))
    description = serializers.CharField(help_text=_("要求（原文摘录）"))
    start_date = serializers.DateField(allow_null=True, help_text=_("开始日期"))
    due_date = serializers.DateField(help_text=_("完成时限"))

    class Meta:
        model = Milestone
        fields = ["code", "name", "description", "start_date", "due_date"]


class MilestoneProgressSerializer(serializers.Serializer):
    milestone = MilestoneSerializer(help_text=_("节点任务"))
    applicable = serializers.IntegerField(help_text=_("您的范围内应完成的组织数"))
    done = serializers.IntegerField(help_text=_("您的范围内已完成的组织数"))
    percent = serializers.IntegerField(help_text=_("完成百分比"))


class PhaseSerializer(serializers.Serializer):
    order = serializers.IntegerField(source="phase.order", help_text=_("步骤序号"))
    name = serializers.CharField(source="phase.name", help_text=_("步骤名称"))
    start_date = serializers.DateField(source="phase.start_date", help_text=_("开始日期"))
    end_date = serializers.DateField(source="phase.end_date", help_text=_("结束日期"))
    description = serializers.CharField(source="phase.description", help_text=_("主要工作"))
    current = serializers.BooleanField(help_text=_("今天是否在本步骤内"))
    past = serializers.BooleanField(help_text=_("本步骤是否已结束"))
    milestones = MilestoneProgressSerializer(many=True, help_text=_("本步骤的节点任务及完成情况"))


class CampaignDetailSerializer(CampaignSerializer):
    phases = PhaseSerializer(many=True, help_text=_("步骤及其节点任务（完成情况按您的范围统计）"))

    class Meta(CampaignSerializer.Meta):
        fields = [*CampaignSerializer.Meta.fields, "phases"]


# --- plans ----------------------------------------------------------------------------------------


class PlanVersionSerializer(serializers.ModelSerializer):
    number = serializers.IntegerField(help_text=_("版本号"))
    submitted_at = serializers.DateTimeField(help_text=_("提交时间"))
    submitted_by = serializers.CharField(allow_null=True, help_text=_("提交人"))
    decision = serializers.ChoiceField(
        choices=[("", _("未审批")), *PlanVersion.Decision.choices], help_text=_("审批结果：空为未审批")
    )
    decided_at = serializers.DateTimeField(allow_null=True, help_text=_("审批时间"))
    decided_by = serializers.CharField(allow_null=True, help_text=_("审批人"))
    reason = serializers.CharField(help_text=_("退回原因"))

    class Meta:
        model = PlanVersion
        fields = ["number", "submitted_at", "submitted_by", "decision", "decided_at", "decided_by", "reason"]


class PlanSerializer(serializers.ModelSerializer):
    id = serializers.IntegerField(help_text=_("实施方案编号"))
    campaign = serializers.CharField(source="campaign.code", help_text=_("活动代码"))
    org = OrgRefSerializer(help_text=_("党组织"))
    theme = serializers.CharField(help_text=_("活动主题"))
    carriers = serializers.ListField(child=serializers.CharField(help_text=_("载体")), help_text=_("活动载体"))
    other_carriers = serializers.CharField(help_text=_("其他载体"))
    goals = serializers.CharField(help_text=_("目标任务"))
    measures = serializers.CharField(help_text=_("具体措施"))
    rectification = serializers.CharField(help_text=_("学习实践活动整改落实后续工作"))
    commitments = serializers.CharField(help_text=_("承诺事项"))
    status = serializers.ChoiceField(
        choices=Plan.Status.choices, help_text=_("状态：草稿、已提交待审批、已退回、已审批、已公布")
    )
    status_label = serializers.CharField(source="get_status_display", help_text=_("状态（中文）"))
    revision = serializers.IntegerField(help_text=_("修订号：提交、审批时原样带回，防止覆盖他人的修改"))
    return_reason = serializers.CharField(help_text=_("退回原因"))
    submitted_at = serializers.DateTimeField(allow_null=True, help_text=_("提交时间"))
    decided_at = serializers.DateTimeField(allow_null=True, help_text=_("审批时间"))
    published_at = serializers.DateTimeField(allow_null=True, help_text=_("公布时间"))
    updated_at = serializers.DateTimeField(help_text=_("修改时间"))

    class Meta:
        model = Plan
        fields = [
            "id",
            "campaign",
            "org",
            *PLAN_CONTENT_FIELDS,
            "status",
            "status_label",
            "revision",
            "return_reason",
            "submitted_at",
            "decided_at",
            "published_at",
            "updated_at",
        ]


class PlanDetailSerializer(PlanSerializer):
    versions = PlanVersionSerializer(many=True, help_text=_("每次提交的版本及审批结果，新的在前"))

    class Meta(PlanSerializer.Meta):
        fields = [*PlanSerializer.Meta.fields, "versions"]


class RevisionSerializer(StrictSerializer):
    revision = serializers.IntegerField(
        min_value=1, max_value=2_147_483_647, help_text=_("您读到的修订号（实施方案的 revision）")
    )


class ReturnSerializer(RevisionSerializer):
    reason = serializers.CharField(max_length=2000, help_text=_("退回原因（必填）"))


# --- dashboards -----------------------------------------------------------------------------------


PHASE_SLOT = re.compile(r"^phase(\d+)_(applicable|done)$")


def _figure_label(name: str):
    """The roll-up column's Chinese name; the per-phase slots (phaseN_applicable/done) are named here."""
    match = PHASE_SLOT.match(name)
    if match:
        n, what = match.groups()
        if what == "applicable":
            return _("第%(n)s步骤节点任务应完成（组织×任务）") % {"n": n}
        return _("第%(n)s步骤节点任务已完成（组织×任务）") % {"n": n}
    return OrgFigures._meta.get_field(name).verbose_name


def _figure_fields():
    return {name: serializers.IntegerField(help_text=_figure_label(name)) for name in COUNT_FIELDS}


FiguresSerializer = type(
    "FiguresSerializer",
    (serializers.Serializer,),
    {**_figure_fields(), "__doc__": _("一个组织（或其下级合计）的各项数字，取自最近一次看板刷新。")},
)


class ChildFiguresSerializer(serializers.Serializer):
    org = OrgRefSerializer(help_text=_("下级组织"))
    figures = FiguresSerializer(help_text=_("该下级组织（含其下级）的数字"))


class DashboardSerializer(serializers.Serializer):
    org = OrgRefSerializer(help_text=_("看板所在组织"))
    sector = serializers.CharField(help_text=_("所选领域；空为全部"))
    as_of = serializers.DateField(allow_null=True, help_text=_("统计日期；尚未刷新时为 null"))
    refreshed_at = serializers.DateTimeField(allow_null=True, help_text=_("数据截至（最近一次刷新完成的时间）"))
    total = FiguresSerializer(help_text=_("本组织及全部下级合计"))
    own = FiguresSerializer(help_text=_("本组织自身（本级）"))
    children = ChildFiguresSerializer(many=True, help_text=_("各下级组织"))


# --- problems -------------------------------------------------------------------------------------


class ProblemFieldErrorSerializer(serializers.Serializer):
    field = serializers.CharField(allow_null=True, help_text=_("出错的字段或查询参数；null 表示整个请求"))
    detail = serializers.CharField(help_text=_("错误说明（中文）"))
    code = serializers.CharField(help_text=_("错误代码"))


class ProblemSerializer(serializers.Serializer):
    type = serializers.CharField(help_text=_("问题类型（URI 引用）"))
    title = serializers.CharField(help_text=_("问题标题（中文）"))
    status = serializers.IntegerField(help_text=_("HTTP 状态码"))
    detail = serializers.CharField(help_text=_("问题说明（中文）"))
    instance = serializers.CharField(help_text=_("出错的请求地址"))
    errors = ProblemFieldErrorSerializer(many=True, required=False, help_text=_("逐个字段的错误"))


class ApiTokenSerializer(serializers.ModelSerializer):
    """本次请求所用的个人 API 令牌（不含令牌本身）。"""

    name = serializers.CharField(help_text=_("用途说明"))
    prefix = serializers.CharField(help_text=_("令牌前缀"))
    expires_at = serializers.DateTimeField(help_text=_("到期时间"))
    last_used_at = serializers.DateTimeField(allow_null=True, help_text=_("最近使用时间"))

    class Meta:
        model = ApiToken
        fields = ["name", "prefix", "expires_at", "last_used_at"]
