"""The API's writes of the campaign's work, through the same services as the pages: milestone fulfilment
(``campaign.services.timeline``), assessments (``evaluations.services.assessments``) and imports (upload → dry run
→ confirm, ``orgs.io.jobs``). The order is the page's: outside the scope → 404, wrong role inside it → 403, then
the service's own rules (400 at the field, 409 for a state that forbids the step); nothing is written on a 4xx.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from campaign.models import Milestone, MilestoneDone
from campaign.queries import timeline as queries_timeline
from campaign.services import timeline as timeline_services
from evaluations.enums import AssessmentStatus, Source
from evaluations.models import Assessment, Period
from evaluations.queries.scoring import assessments_for
from evaluations.services import assessments as assessment_services
from evaluations.services import criteria as criteria_services
from orgs import queries
from orgs.io import jobs as import_jobs
from orgs.io.forms import ImportUploadForm
from orgs.models import ImportJob

from ..serializers import core as s
from ..serializers import work as w
from .core import IdPages, KeyPages, PortalAPIView

ASSESS_SOURCES = (Source.SELF, Source.SUPERIOR, Source.PEER)


def conflict(message) -> DjangoValidationError:
    """A state of the record that forbids the step: 409 with the reason (``api.exceptions.is_conflict``)."""
    return DjangoValidationError(message, code="conflict")


# --- milestone fulfilment -------------------------------------------------------------------------


def get_milestone(pk) -> Milestone:
    return get_object_or_404(Milestone.objects.select_related("campaign", "phase"), pk=pk)


@extend_schema(tags=[gettext_lazy("活动")])
class MilestoneOrgsView(KeyPages, PortalAPIView):
    """Organizations in scope that have not done a milestone, or (``status=done``) its completions."""

    serializer_class = w.MilestoneOrgSerializer

    def get_status(self):
        return self.choice_param(
            "status", ("todo", "done"), _("状态应为 todo（未完成）或 done（已完成）"), default="todo"
        )

    @property
    def key(self):
        """Organizations to do in tree order, completions by id."""
        return "path" if self.status == "todo" else "id"

    @extend_schema(
        summary=gettext_lazy("节点任务的完成情况"),
        operation_id="milestones_orgs",
        description=gettext_lazy(
            "您范围内应完成该节点任务的组织：未完成的（status=todo，默认，按组织树顺序）或已完成的登记。"
        ),
        parameters=[
            OpenApiParameter(
                "status",
                OpenApiTypes.STR,
                enum=["todo", "done"],
                description=gettext_lazy("todo：未完成的组织；done：完成登记"),
            )
        ],
        responses=w.MilestoneOrgSerializer(many=True),
    )
    def get(self, request, pk):
        milestone = get_milestone(pk)
        self.status = self.get_status()
        if self.status == "done":
            rows = queries_timeline.completions(request.user, milestone).select_related("org", "by")
            return self.paged(rows, w.MilestoneOrgSerializer)
        orgs = queries_timeline.orgs_not_done(request.user, milestone)
        page = self.paginate_queryset(orgs)
        data = [{"org": s.OrgRefSerializer(o).data, "done_at": None, "by": None, "note": ""} for o in page]
        return self.get_paginated_response(data)


class MilestoneMarkView(PortalAPIView):
    """POST: confirm a manual milestone for one organization (``campaign.services.timeline.mark_manual_done``)."""

    pagination_class = None
    serializer_class = w.MarkDoneSerializer
    unmark = False

    def get_target(self, pk, code):
        milestone = get_milestone(pk)
        org = queries.get_org_or_404(self.request.user, code)
        if not queries.covers(self.request.user, org, timeline_services.MARK_ROLES):
            raise PermissionDenied(_("只有本组织书记或上级组织部门可以登记完成情况"))
        return milestone, org

    def answer(self, milestone, org, changed):
        done = MilestoneDone.objects.filter(milestone=milestone, org=org).select_related("by").first()
        data = {
            "milestone": milestone.pk,
            "milestone_name": milestone.name,
            "org": org,
            "done": done is not None,
            "changed": changed,
            "done_at": done.done_at if done else None,
            "by": f"{done.by}" if done and done.by else None,
            "note": done.note if done else "",
        }
        return Response(w.MilestoneDoneSerializer(data).data)

    @extend_schema(
        summary=gettext_lazy("登记节点任务完成"),
        operation_id="milestones_mark_done",
        description=(
            gettext_lazy(
                "本组织书记或上级组织部门登记手工确认的节点任务已完成（与活动页面上的“登记完成”相同）；"
                "已登记的再次登记不改变任何内容（changed=false）。"
            )
        ),
        request=w.MarkDoneSerializer,
        responses=w.MilestoneDoneSerializer,
        tags=[gettext_lazy("活动")],
    )
    def post(self, request, pk, code):
        milestone, org = self.get_target(pk, code)
        body = self.get_serializer(data=request.data)
        body.is_valid(raise_exception=True)
        changed = timeline_services.mark_manual_done(milestone, org, by=request.user, note=body.validated_data["note"])
        return self.answer(milestone, org, changed)


class MilestoneUnmarkView(MilestoneMarkView):
    serializer_class = w.EmptySerializer

    @extend_schema(
        summary=gettext_lazy("撤销节点任务的完成登记"),
        operation_id="milestones_mark_undone",
        description=gettext_lazy("撤销手工登记的完成（与页面上的“撤销”相同；同样的人、同样的步骤规则）。"),
        request=None,
        responses=w.MilestoneDoneSerializer,
        tags=[gettext_lazy("活动")],
    )
    def post(self, request, pk, code):
        milestone, org = self.get_target(pk, code)
        self.get_serializer(data=request.data or {}).is_valid(raise_exception=True)
        changed = timeline_services.unmark_manual_done(milestone, org, by=request.user)
        return self.answer(milestone, org, changed)


# --- periods and assessments ----------------------------------------------------------------------


@extend_schema(tags=[gettext_lazy("考核评议")])
class PeriodListView(IdPages, PortalAPIView):
    serializer_class = w.PeriodSerializer

    @extend_schema(
        summary=gettext_lazy("考核期间"),
        operation_id="periods_list",
        description=gettext_lazy("全部考核期间（按编号顺序）。"),
        responses=w.PeriodSerializer(many=True),
    )
    def get(self, request):
        return self.paged(Period.objects.select_related("campaign"), w.PeriodSerializer)


def get_period(code) -> Period:
    return get_object_or_404(Period, code=code)


@extend_schema(tags=[gettext_lazy("考核评议")])
class AssessmentListView(IdPages, PortalAPIView):
    serializer_class = w.AssessmentSerializer

    @extend_schema(
        summary=gettext_lazy("考核评价列表"),
        operation_id="assessments_list",
        description=gettext_lazy("您范围内组织和党员的评价，以及您自己填写的评价（与评价页面相同）。"),
        parameters=[
            OpenApiParameter("period", {"type": "string", "maxLength": 50}, description=gettext_lazy("考核期间代码")),
            OpenApiParameter("source", OpenApiTypes.STR, enum=list(ASSESS_SOURCES), description=gettext_lazy("来源")),
            OpenApiParameter(
                "org", {"type": "string", "maxLength": 50}, description=gettext_lazy("组织编码（含下级）")
            ),
        ],
        responses=w.AssessmentSerializer(many=True),
    )
    def get(self, request):
        rows = assessments_for(request.user).select_related("period", "org", "member", "criteria_set")
        code = self.text_param("period")
        if code:
            rows = rows.filter(period=get_period(code))
        source = self.choice_param("source", Source.values, _("来源应为 %(v)s 之一") % {"v": "、".join(Source.values)})
        if source:
            rows = rows.filter(source=source)
        org = self.org_param("org")
        if org is not None:
            rows = rows.filter(org__path__startswith=org.path)
        return self.paged(rows, w.AssessmentSerializer)


@extend_schema(tags=[gettext_lazy("考核评议")])
class AssessmentDetailView(PortalAPIView):
    serializer_class = w.AssessmentDetailSerializer
    pagination_class = None

    @extend_schema(
        summary=gettext_lazy("考核评价"),
        operation_id="assessments_retrieve",
        description=gettext_lazy("评价及各项目的等次。"),
    )
    def get(self, request, pk):
        rows = assessments_for(request.user).select_related("period", "org", "member", "criteria_set")
        assessment = get_object_or_404(rows, pk=pk)
        return Response(w.AssessmentDetailSerializer(assessment).data)


class AssessView(PortalAPIView):
    """POST: fill in (draft) or submit one assessment, as the assessment page: the target in the scope (404), may
    this user write this source for it (403), a submitted assessment is locked (409); then the services'
    ``create_assessment`` (when there is none yet) and ``save_assessment`` in one transaction."""

    pagination_class = None
    serializer_class = w.AssessInputSerializer

    def get_target(self):
        return queries.get_org_or_404(self.request.user, self.kwargs["code"]), None

    def post(self, request, period, source, **kwargs):
        if source not in ASSESS_SOURCES:
            raise Http404
        period = get_period(period)
        org, member = self.get_target()
        user = request.user
        if not assessment_services.can_assess(user, source, org=org, member=member):
            raise PermissionDenied(_("您无权填写该评价"))
        existing = assessment_services.find_assessment(period, source, org=org, member=member, author=user)
        if existing is not None and existing.status == AssessmentStatus.SUBMITTED:
            raise conflict(_("该评价已提交并锁定，不能再修改"))
        body = self.get_serializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        target_org = member.org if member else org
        criteria_set = (
            existing.criteria_set
            if existing
            else criteria_services.applicable_set(target_org, period, "member" if member else "org")
        )
        levels, comments = self.levels(data["scores"], criteria_set)
        with transaction.atomic():
            assessment = existing or assessment_services.create_assessment(
                period, source, org=org, member=member, by=user
            )
            assessment = assessment_services.save_assessment(
                assessment, by=user, levels=levels, comments=comments, comment=data["comment"], submit=data["submit"]
            )
        assessment = Assessment.objects.select_related("period", "org", "member", "criteria_set").get(pk=assessment.pk)
        return Response(w.AssessmentDetailSerializer(assessment).data, status=200 if existing else 201)

    def levels(self, scores, criteria_set):
        """The body's scores as the service's ``levels`` and ``comments``; a criterion of another set, or one
        named twice, is refused at its field."""
        known = set(criteria_set.criteria.values_list("pk", flat=True)) if criteria_set else set()
        levels, comments, errors = {}, {}, {}
        for n, row in enumerate(scores):
            pk = row["criterion"]
            if pk not in known:
                errors[f"scores[{n}].criterion"] = [_("该评价项目不属于本评价适用的评价标准")]
            elif pk in levels:
                errors[f"scores[{n}].criterion"] = [_("同一评价项目只能出现一次")]
            else:
                levels[pk] = row["level"]
                comments[pk] = row["comment"]
        if errors:
            raise ValidationError(errors)
        return levels, comments


def _assess_description(target):
    return _(
        "填写或提交对%(target)s的评价（与评价页面的“保存草稿”“提交”相同）：submit=false 保存草稿，"
        "submit=true 检查每一项都已评定、计算得分并锁定。首次填写时创建评价（201），之后修改同一评价（200）；"
        "已提交的评价答 409。source：self 自评、superior 上级考核、peer 党员评议。"
    ) % {"target": target}


def _assess_schema(operation_id, summary, target):
    return extend_schema(
        operation_id=operation_id,
        summary=summary,
        description=lazy(_assess_description, str)(target),
        request=w.AssessInputSerializer,
        responses={200: w.AssessmentDetailSerializer, 201: w.AssessmentDetailSerializer},
        parameters=[
            OpenApiParameter("period", OpenApiTypes.STR, OpenApiParameter.PATH, description=_("考核期间代码")),
            OpenApiParameter(
                "source", OpenApiTypes.STR, OpenApiParameter.PATH, enum=list(ASSESS_SOURCES), description=_("来源")
            ),
        ],
        tags=[_("考核评议")],
    )


class OrgAssessView(AssessView):
    @_assess_schema("assessments_assess_org", gettext_lazy("评价党组织"), gettext_lazy("党组织"))
    def post(self, request, period, code, source):
        return super().post(request, period, source)


class MemberAssessView(AssessView):
    def get_target(self):
        return None, queries.get_member_or_404(self.request.user, self.kwargs["pk"])

    @_assess_schema("assessments_assess_member", gettext_lazy("评价党员"), gettext_lazy("党员"))
    def post(self, request, period, pk, source):
        return super().post(request, period, source)


# --- imports --------------------------------------------------------------------------------------


class ImportScoped(PortalAPIView):
    """Imports are the 组织部's (403 for other roles); a user sees only his own jobs (another's is 404)."""

    allowed_roles = queries.MANAGE_ROLES

    def get_job(self, pk) -> ImportJob:
        return get_object_or_404(ImportJob, pk=pk, created_by=self.request.user)

    def job_response(self, job, status=200, **headers):
        job = ImportJob.objects.get(pk=job.pk)
        return Response(
            w.ImportJobSerializer(job, context={"request": self.request}).data, status=status, headers=headers
        )


def job_path(job) -> str:
    return reverse("api:import_detail", args=[job.pk])


UPLOAD_REQUEST = {
    "multipart/form-data": {
        "type": "object",
        "required": ["kind", "file"],
        "properties": {
            "kind": {
                "type": "string",
                "enum": ImportJob.Kind.values,
                "description": gettext_lazy("导入类型：orgs 组织，members 党员"),
            },
            "file": {
                "type": "string",
                "format": "binary",
                "description": gettext_lazy("Excel（.xlsx）或 CSV（UTF-8 或 GB18030）文件，表头须与模板完全一致"),
            },
        },
    }
}


@extend_schema(tags=[gettext_lazy("导入")])
class ImportListView(IdPages, ImportScoped):
    serializer_class = w.ImportJobSerializer
    parser_classes = [MultiPartParser]

    @extend_schema(
        summary=gettext_lazy("我的导入任务"),
        operation_id="imports_list",
        description=gettext_lazy("您上传的导入任务（只有上传人能看到）。"),
        responses=w.ImportJobSerializer(many=True),
    )
    def get(self, request):
        rows = self.paginate_queryset(ImportJob.objects.filter(created_by=request.user))
        return self.get_paginated_response(w.ImportJobSerializer(rows, many=True, context={"request": request}).data)

    @extend_schema(
        summary=gettext_lazy("上传导入文件"),
        operation_id="imports_create",
        description=(
            gettext_lazy(
                "上传组织或党员文件（multipart/form-data：kind、file），与导入页面相同。后台先试导入（校验全部行，"
                "不写入任何数据），答 202 和任务地址（Location）；轮询该地址，"
                "status 为 valid 时用 confirm_url 确认导入，"
                "为 invalid 时 errors 列出每一个错误行。"
            )
        ),
        request=UPLOAD_REQUEST,
        responses={202: w.ImportJobSerializer},
    )
    def post(self, request):
        extra = sorted(set(request.data) | set(request.FILES)) if hasattr(request.data, "keys") else []
        unknown = [name for name in extra if name not in ("kind", "file")]
        if unknown:
            raise ValidationError({name: [_("未知字段")] for name in unknown})
        form = ImportUploadForm({"kind": request.data.get("kind", "")}, request.FILES)
        if not form.is_valid():
            raise ValidationError({field: list(messages) for field, messages in form.errors.items()})
        job = import_jobs.start_import(
            request.user,
            kind=form.cleaned_data["kind"],
            upload=form.cleaned_data["file"],
            stored_name=form.stored_name(),
        )
        return self.job_response(job, status=202, Location=request.build_absolute_uri(job_path(job)))


@extend_schema(tags=[gettext_lazy("导入")])
class ImportDetailView(ImportScoped):
    serializer_class = w.ImportJobSerializer
    pagination_class = None

    @extend_schema(
        summary=gettext_lazy("导入任务（轮询）"),
        operation_id="imports_retrieve",
        description=gettext_lazy("任务的状态、进度、试导入的结果和逐行错误；running 为 true 时请稍后再读。"),
    )
    def get(self, request, pk):
        return self.job_response(self.get_job(pk))


@extend_schema(tags=[gettext_lazy("导入")])
class ImportConfirmView(ImportScoped):
    serializer_class = w.ImportJobSerializer
    pagination_class = None

    @extend_schema(
        summary=gettext_lazy("确认导入"),
        operation_id="imports_confirm",
        description=(
            gettext_lazy(
                "确认校验通过的任务（与页面上的“确认导入”相同）：后台在一个事务中写入全部行（全部写入或都不写入），"
                "答 202；轮询任务地址直到 status 为 done。任务不在“校验通过，待确认”状态时答 409。"
            )
        ),
        request=None,
        responses={202: w.ImportJobSerializer},
    )
    def post(self, request, pk):
        job = self.get_job(pk)
        if not import_jobs.confirm_job(job):
            raise conflict(_("该导入任务当前不能执行：只有校验通过且尚未导入的任务才能确认导入。"))
        return self.job_response(job, status=202, Location=request.build_absolute_uri(job_path(job)))
