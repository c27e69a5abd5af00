"""The API's read and write endpoints (/api/v1/).

Every read starts from the UI's scope gateway (``orgs.queries`` and the apps' ``queries*.py`` built on it) and
follows the UI's order: anonymous → 401, outside the scope → 404, wrong role inside it → 403. Every write calls
the same service function as the page (same rules, same history rows, same notifications).
"""

import re
from operator import attrgetter

from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response

from campaign.models import Campaign, Plan
from campaign.queries import plans as queries_plans
from campaign.queries import timeline as queries_timeline
from campaign.services import plans as plan_services
from common.net import client_ip
from dashboards import queries as dashboard_queries
from orgs import queries
from orgs import services as org_services
from orgs.enums import Sector
from orgs.models import Member, Org

from ..pagination import CursorPagination, invalid_cursor
from ..serializers import core as s

PATH = re.compile(r"^[0-9A-Z]{1,255}$")
MAX_FILTER_CHARS = 50


class PortalAPIView(generics.GenericAPIView):
    """Base of every endpoint: ``allowed_roles`` are the roles that may use it somewhere in their scope."""

    allowed_roles = queries.ALL_ROLES
    pagination_class = CursorPagination

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        # django-simple-history reads the acting user from the Django request: let it see the token's user,
        # so the history rows of an API write name the same user as those of the page.
        request._request.user = request.user
        # Every query parameter of the schema is one value (an integer, a string, an enum): given twice it is an
        # array the schema does not allow, refused at that parameter rather than read as its last value.
        repeated = sorted(name for name, values in request.query_params.lists() if len(values) > 1)
        if repeated:
            raise ValidationError({name: [_("该参数只能给出一次")] for name in repeated})

    def text_param(self, name: str) -> str:
        value = self.request.query_params.get(name, "")
        if len(value) > MAX_FILTER_CHARS or "\x00" in value:
            raise ValidationError({name: [_("不能超过 %(n)s 个字") % {"n": MAX_FILTER_CHARS}]})
        return value.strip()

    def choice_param(self, name: str, choices, message, *, default: str = "") -> str:
        """A query parameter the schema gives as an enum: ``default`` when it is absent; given, it must be one of
        ``choices`` exactly (an empty ``?status=`` or a value with spaces is a 400 at that parameter, as the
        schema says — schemathesis sends such values)."""
        if name not in self.request.query_params:
            return default
        value = self.request.query_params.get(name, "")
        if value not in choices:
            raise ValidationError({name: [message]})
        return value

    def org_param(self, name: str = "org") -> Org | None:
        """An organization named in a query parameter: one in the user's scope, else 404 (as its page would)."""
        code = self.text_param(name)
        if not code:
            return None
        return queries.get_org_or_404(self.request.user, code)

    def paged(self, queryset, serializer_class):
        rows = self.paginate_queryset(queryset)
        return self.get_paginated_response(serializer_class(rows, many=True).data)


def _cursor_path(cursor) -> str:
    if len(cursor) != 1 or not isinstance(cursor[0], str) or not PATH.match(cursor[0]):
        raise invalid_cursor()
    return cursor[0]


def cursor_id(cursor) -> int:
    if len(cursor) != 1 or type(cursor[0]) is not int or not 0 <= cursor[0] < 2**63:
        raise invalid_cursor()
    return cursor[0]


class KeyPages:
    """Rows in the order of one unique column, ``key``; a page continues after the last row's value of it
    (the cursor holds that value: an organization path for a key ending in ``path``, else an id)."""

    key = "id"  # or "path", "org__path"

    def order_rows(self, queryset):
        return queryset.order_by(self.key)

    def rows_after(self, queryset, cursor):
        value = _cursor_path(cursor) if self.key.endswith("path") else cursor_id(cursor)
        return queryset.filter(**{f"{self.key}__gt": value})

    def cursor_of(self, row):
        return [attrgetter(self.key.replace("__", "."))(row)]


class OrgPages(KeyPages):
    """Organizations in tree order (their unique path)."""

    key = "path"


class IdPages(KeyPages):
    """Rows by id (oldest first)."""


ORG_FIELDS = (
    "pk",
    "path",
    "depth",
    "numchild",
    "code",
    "name",
    "kind",
    "level",
    "sector",
    "ethnic_religious",
    "subtree_orgs",
    "subtree_members",
)


# --- who am I ---------------------------------------------------------------------------------------


class RoleSerializer(serializers.Serializer):
    role = serializers.CharField(help_text=gettext_lazy("角色代码"))
    role_label = serializers.CharField(help_text=gettext_lazy("角色（中文）"))
    org = s.OrgRefSerializer(help_text=gettext_lazy("角色所在组织（覆盖其全部下级）"))
    sector = serializers.CharField(help_text=gettext_lazy("行业主管部门的领域；其他角色为空"))


class MeSerializer(serializers.Serializer):
    username = serializers.CharField(help_text=gettext_lazy("用户名"))
    full_name = serializers.CharField(help_text=gettext_lazy("姓名"))
    roles = RoleSerializer(many=True, help_text=gettext_lazy("角色授权"))
    token = s.ApiTokenSerializer(allow_null=True, help_text=gettext_lazy("本次请求所用的令牌；浏览器会话为 null"))


class MeView(PortalAPIView):
    serializer_class = MeSerializer
    pagination_class = None

    @extend_schema(
        summary=gettext_lazy("当前用户"),
        operation_id="me_retrieve",
        description=gettext_lazy("本次请求的账号、角色授权和所用令牌。"),
        tags=[gettext_lazy("账号")],
    )
    def get(self, request):
        user = request.user
        roles = [
            {"role": a.role, "role_label": a.get_role_display(), "org": a.org, "sector": a.sector}
            for a in queries.assignments(user)
        ]
        token = request.auth if isinstance(request.auth, s.ApiToken) else None
        data = {"username": user.username, "full_name": user.full_name, "roles": roles, "token": token}
        return Response(MeSerializer(data).data)


# --- organizations ----------------------------------------------------------------------------------


@extend_schema(tags=[gettext_lazy("组织")])
class OrgListView(OrgPages, PortalAPIView):
    serializer_class = s.OrgSerializer

    @extend_schema(
        summary=gettext_lazy("组织列表与搜索"),
        operation_id="organizations_list",
        responses=s.OrgSerializer(many=True),
        description=(
            gettext_lazy(
                "您范围内的组织，按树的顺序；search 与组织树页面的搜索相同："
                "编码前缀、拼音首字母或全拼前缀、中文名称包含。"
            )
        ),
        parameters=[
            OpenApiParameter(
                "search",
                {"type": "string", "maxLength": MAX_FILTER_CHARS},
                description=gettext_lazy("搜索：编码、拼音或中文名称（最多 50 字）"),
            ),
        ],
    )
    def get(self, request):
        orgs = queries.orgs_for(request.user)
        text = self.text_param("search")
        if text:
            match = queries.org_search_q(text)
            orgs = orgs.filter(match) if match is not None else orgs.none()
        return self.paged(orgs.only(*ORG_FIELDS), s.OrgSerializer)


@extend_schema(tags=[gettext_lazy("组织")])
class OrgRootsView(PortalAPIView):
    serializer_class = s.OrgSerializer
    pagination_class = None

    @extend_schema(
        summary=gettext_lazy("组织树的起点"),
        operation_id="organizations_roots",
        responses=s.OrgSerializer(many=True),
        description=gettext_lazy("您各角色所在的最高组织（组织树从这里展开）。"),
    )
    def get(self, request):
        return Response(s.OrgSerializer(queries.top_orgs(request.user), many=True).data)


@extend_schema(tags=[gettext_lazy("组织")])
class OrgDetailView(PortalAPIView):
    serializer_class = s.OrgSerializer
    pagination_class = None

    @extend_schema(
        summary=gettext_lazy("按编码读取组织"),
        operation_id="organizations_retrieve",
        description=gettext_lazy("不在您范围内的组织答 404。"),
    )
    def get(self, request, code):
        return Response(s.OrgSerializer(queries.get_org_or_404(request.user, code)).data)


@extend_schema(tags=[gettext_lazy("组织")])
class OrgChildrenView(OrgPages, PortalAPIView):
    serializer_class = s.OrgSerializer

    @extend_schema(
        summary=gettext_lazy("下级组织"),
        operation_id="organizations_children",
        responses=s.OrgSerializer(many=True),
        description=gettext_lazy("该组织在您范围内的直接下级，按树的顺序。"),
    )
    def get(self, request, code):
        org = queries.get_org_or_404(request.user, code)
        return self.paged(queries.children_of(request.user, org).only(*ORG_FIELDS), s.OrgSerializer)


# --- members ----------------------------------------------------------------------------------------


@extend_schema(tags=[gettext_lazy("党员")])
class MemberListView(PortalAPIView):
    allowed_roles = queries.READ_MEMBER_ROLES
    serializer_class = s.MemberSerializer

    def order_rows(self, queryset):
        return queries.members_in_tree_order(queryset)

    def rows_after(self, queryset, cursor):
        if (
            len(cursor) != 2
            or not isinstance(cursor[0], str)
            or not PATH.match(cursor[0])
            or type(cursor[1]) is not int
            or not 0 <= cursor[1] < 2**63
        ):
            raise invalid_cursor()
        return queries.members_after(queryset, cursor[0], cursor[1])

    def cursor_of(self, member):
        return [member.org_path, member.pk]

    @extend_schema(
        summary=gettext_lazy("党员列表"),
        operation_id="members_list",
        responses=s.MemberSerializer(many=True),
        description=gettext_lazy("您范围内的党员，按组织树的顺序；身份证号遮蔽显示，与党员页面相同。"),
        parameters=[
            OpenApiParameter(
                "org",
                {"type": "string", "maxLength": MAX_FILTER_CHARS},
                description=gettext_lazy("只列该组织（含下级）的党员：组织编码"),
            ),
            OpenApiParameter(
                "name",
                {"type": "string", "maxLength": MAX_FILTER_CHARS},
                description=gettext_lazy("姓名包含（最多 50 字）"),
            ),
        ],
    )
    def get(self, request):
        members = queries.members_for(request.user, roles=self.allowed_roles).select_related("org")
        org = self.org_param("org")
        if org is not None:
            members = members.filter(org_path__startswith=org.path)
        name = self.text_param("name")
        if name:
            members = members.filter(name__contains=name)
        return self.paged(members, s.MemberSerializer)


class MemberScoped(PortalAPIView):
    """One member: looked up in the whole visible scope (404), then the role (403), as the member pages
    (``orgs.views.members.MemberScopedMixin``): the first gate asks only for some role."""

    member_roles = queries.READ_MEMBER_ROLES
    pagination_class = None

    def get_member(self, pk) -> Member:
        member = queries.get_member_or_404(self.request.user, pk)
        if not queries.covers_member(self.request.user, member, self.member_roles):
            raise PermissionDenied(_("您的角色不能查看该党员"))
        return member


@extend_schema(tags=[gettext_lazy("党员")])
class MemberDetailView(MemberScoped):
    serializer_class = s.MemberSerializer

    @extend_schema(
        summary=gettext_lazy("党员"),
        operation_id="members_retrieve",
        description=gettext_lazy("身份证号遮蔽显示；完整号码见“查看完整身份证号”。"),
    )
    def get(self, request, pk):
        return Response(s.MemberSerializer(self.get_member(pk)).data)


@extend_schema(tags=[gettext_lazy("党员")])
class MemberIdNumberView(MemberScoped):
    """The full ID number, for 组织部 in scope only; every view is audited (IdNumberView), as on the page."""

    serializer_class = s.FullIdNumberSerializer

    def get_member(self, pk) -> Member:
        member = queries.get_member_or_404(self.request.user, pk)
        if not queries.can_see_full_id(self.request.user, member):
            raise PermissionDenied(_("只有本级及上级组织部门可以查看完整身份证号"))
        return member

    @extend_schema(
        summary=gettext_lazy("查看完整身份证号"),
        operation_id="members_id_number",
        description=gettext_lazy("只对范围内的组织部开放；每次查看都记入身份证号查看记录（与页面上的“显示”相同）。"),
        request=None,
    )
    def post(self, request, pk):
        member = self.get_member(pk)
        org_services.record_id_view(request.user, member=member, purpose="api", ip=client_ip(request))
        return Response(s.FullIdNumberSerializer({"id": member.pk, "id_number": member.id_number}).data)


# --- the campaign -----------------------------------------------------------------------------------


@extend_schema(tags=[gettext_lazy("活动")])
class CampaignListView(IdPages, PortalAPIView):
    serializer_class = s.CampaignSerializer

    @extend_schema(
        summary=gettext_lazy("活动列表"),
        description=gettext_lazy("全部活动（新建的活动由旧活动复制而来）。"),
        operation_id="campaigns_list",
        responses=s.CampaignSerializer(many=True),
    )
    def get(self, request):
        return self.paged(Campaign.objects.all(), s.CampaignSerializer)


@extend_schema(tags=[gettext_lazy("活动")])
class CampaignDetailView(PortalAPIView):
    serializer_class = s.CampaignDetailSerializer
    pagination_class = None

    @extend_schema(
        summary=gettext_lazy("活动的步骤和节点任务"),
        operation_id="campaigns_retrieve",
        description=gettext_lazy(
            "各步骤及其节点任务；每个节点任务的应完成和已完成组织数按您的范围统计（与活动页面相同）。"
        ),
    )
    def get(self, request, code):
        campaign = Campaign.objects.filter(code=code).first()
        if campaign is None:
            raise Http404
        campaign.phases_progress = queries_timeline.campaign_progress(request.user, campaign)
        data = s.CampaignSerializer(campaign).data
        data["phases"] = s.PhaseSerializer(campaign.phases_progress, many=True).data
        return Response(data)


# --- plans ------------------------------------------------------------------------------------------


@extend_schema(tags=[gettext_lazy("实施方案")])
class PlanListView(IdPages, PortalAPIView):
    allowed_roles = queries_plans.READ_ROLES
    serializer_class = s.PlanSerializer

    @extend_schema(
        summary=gettext_lazy("实施方案列表"),
        operation_id="plans_list",
        responses=s.PlanSerializer(many=True),
        description=gettext_lazy("您范围内基层党组织的实施方案及其状态。"),
        parameters=[
            OpenApiParameter(
                "campaign", {"type": "string", "maxLength": MAX_FILTER_CHARS}, description=gettext_lazy("活动代码")
            ),
            OpenApiParameter("status", OpenApiTypes.STR, enum=Plan.Status.values, description=gettext_lazy("状态")),
            OpenApiParameter(
                "org", {"type": "string", "maxLength": MAX_FILTER_CHARS}, description=gettext_lazy("组织编码（含下级）")
            ),
        ],
    )
    def get(self, request):
        campaign = None
        code = self.text_param("campaign")
        if code:
            campaign = Campaign.objects.filter(code=code).first()
            if campaign is None:
                raise Http404
        plans = queries_plans.plans_for(request.user, campaign).select_related("org", "campaign")
        status = self.choice_param(
            "status", Plan.Status.values, _("状态应为 %(v)s 之一") % {"v": "、".join(Plan.Status.values)}
        )
        if status:
            plans = plans.filter(status=status)
        org = self.org_param("org")
        if org is not None:
            plans = plans.filter(org__path__startswith=org.path)
        return self.paged(plans, s.PlanSerializer)


class PlanScoped(PortalAPIView):
    """One plan: in the whole visible scope (404), then the view's role (403), as the plan pages."""

    pagination_class = None

    def get_plan(self, pk) -> Plan:
        plan = queries_plans.get_plan_or_404(self.request.user, pk)
        self.check_role(plan)
        return plan

    def check_role(self, plan):
        if not queries.covers(self.request.user, plan.org, queries_plans.READ_ROLES):
            raise PermissionDenied(_("您的角色不能查看实施方案"))


@extend_schema(tags=[gettext_lazy("实施方案")])
class PlanDetailView(PlanScoped):
    serializer_class = s.PlanDetailSerializer

    @extend_schema(
        summary=gettext_lazy("实施方案"),
        operation_id="plans_retrieve",
        description=gettext_lazy("方案内容、状态和每次提交的版本。"),
    )
    def get(self, request, pk):
        plan = self.get_plan(pk)
        plan.versions_list = list(plan.versions.select_related("submitted_by", "decided_by").order_by("-number"))
        data = s.PlanSerializer(plan).data
        data["versions"] = s.PlanVersionSerializer(
            [
                {
                    "number": v.number,
                    "submitted_at": v.submitted_at,
                    "submitted_by": f"{v.submitted_by}" if v.submitted_by else None,
                    "decision": v.decision,
                    "decided_at": v.decided_at,
                    "decided_by": f"{v.decided_by}" if v.decided_by else None,
                    "reason": v.reason,
                }
                for v in plan.versions_list
            ],
            many=True,
        ).data
        return Response(data)


class PlanTransition(PlanScoped):
    """POST: one workflow step through the plan service; a refusal is a problem, nothing written."""

    serializer_class = s.RevisionSerializer

    def post(self, request, pk):
        plan = self.get_plan(pk)
        body = self.get_serializer(data=request.data)
        body.is_valid(raise_exception=True)
        plan = self.perform(plan, body.validated_data)
        plan = Plan.objects.select_related("org", "campaign").get(pk=plan.pk)
        return Response(s.PlanSerializer(plan).data)


def _transition_schema(operation_id, summary, description, request=s.RevisionSerializer):
    return extend_schema(
        operation_id=operation_id,
        summary=summary,
        description=description,
        request=request,
        responses=s.PlanSerializer,
        tags=[_("实施方案")],
    )


class PlanSubmitView(PlanTransition):
    def check_role(self, plan):
        if not queries_plans.is_writer(self.request.user, plan.org):
            raise PermissionDenied(_("只有本组织的书记（党务工作者）可以编写和提交实施方案"))

    def perform(self, plan, data):
        return plan_services.submit_plan(plan, by=self.request.user, expected_revision=data["revision"])

    @_transition_schema(
        "plans_submit",
        gettext_lazy("提交实施方案"),
        gettext_lazy("草稿或已退回的方案提交上级审批（与页面上的“提交审批”相同，保存为新的版本）。"),
    )
    def post(self, request, pk):
        return super().post(request, pk)


class PlanApproveView(PlanTransition):
    def check_role(self, plan):
        if not queries_plans.is_approver(self.request.user, plan.org):
            raise PermissionDenied(_("只有上级组织部门或上级党委书记可以审批实施方案"))

    def perform(self, plan, data):
        return plan_services.approve_plan(plan, by=self.request.user, expected_revision=data["revision"])

    @_transition_schema(
        "plans_approve", gettext_lazy("审批通过"), gettext_lazy("审批已提交的方案（与页面上的“审批通过”相同）。")
    )
    def post(self, request, pk):
        return super().post(request, pk)


class PlanReturnView(PlanApproveView):
    serializer_class = s.ReturnSerializer

    def perform(self, plan, data):
        return plan_services.return_plan(
            plan, by=self.request.user, reason=data["reason"], expected_revision=data["revision"]
        )

    @_transition_schema(
        "plans_return",
        gettext_lazy("退回修改"),
        gettext_lazy("把已提交的方案退回，须写明原因（与页面上的“退回”相同）。"),
        request=s.ReturnSerializer,
    )
    def post(self, request, pk):
        return super().post(request, pk)


# --- dashboards -------------------------------------------------------------------------------------


@extend_schema(tags=[gettext_lazy("数据看板")])
class DashboardView(PortalAPIView):
    allowed_roles = dashboard_queries.DASH_ROLES
    serializer_class = s.DashboardSerializer
    pagination_class = None

    @extend_schema(
        summary=gettext_lazy("组织的看板数字"),
        operation_id="dashboards_retrieve",
        description=gettext_lazy("取自最近一次看板刷新的汇总表（与数据看板页面相同）：本组织合计、本级、各下级。"),
        parameters=[
            OpenApiParameter("sector", OpenApiTypes.STR, enum=Sector.values, description=gettext_lazy("只看一个领域"))
        ],
    )
    def get(self, request, code):
        sector = self.choice_param("sector", Sector.values, _("没有这个领域"))
        scope = dashboard_queries.scope_for(request.user, code, sector=sector)
        figures = dashboard_queries.node_figures(scope)
        snapshot = scope.snapshot
        data = {
            "org": scope.node,
            "sector": scope.sector_param,
            "as_of": snapshot.as_of if snapshot else None,
            "refreshed_at": snapshot.finished_at if snapshot else None,
            "total": figures.total,
            "own": figures.own,
            "children": [{"org": row.org, "figures": row.figures} for row in figures.children],
        }
        return Response(s.DashboardSerializer(data).data)
