"""Reports upward: a city or provincial department sends its implementation opinion (PDF) to the province.

"各市、省直有关单位在本地本部门本系统开展创先争优活动实施意见制定后，请及时报省委组织部。" (seed, part 五)
Resubmitting keeps the earlier versions.
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from common.history import delete_as, insert_once, save_as
from orgs import queries
from orgs.enums import OrgLevel, Role
from orgs.models import Org, User

from ..models import Campaign, ImplementationReport, ReportingBody
from ..queries.activities import can_manage_reporting_bodies, can_submit_report
from ..uploads import check_upload
from .attachments import attach_files
from .notifications import notify
from .timeline import current_campaign, ensure_phase, mark_done


def check_pdf(upload) -> None:
    """The implementation opinion is a PDF (checked by its bytes), within the size limit."""
    content_type, _extension = check_upload(upload)
    if content_type != "application/pdf":
        raise ValidationError(_("实施意见只能上传 PDF 文件"), code="type")


def submit_report(
    org: Org,
    *,
    by: User,
    title: str,
    doc_number: str,
    doc_date: datetime.date,
    file,
    campaign: Campaign | None = None,
    today: datetime.date | None = None,
) -> ImplementationReport:
    """Store a new version of ``org``'s implementation opinion and mark 'report_upward' done."""
    if not can_submit_report(by, org):
        raise PermissionDenied
    today = today or timezone.localdate()
    campaign = campaign or current_campaign(today)
    if campaign is None:
        raise ValidationError(_("当前没有创先争优活动，不能报送实施意见"), code="phase")
    ensure_phase(campaign, campaign.phases.values_list("order", flat=True), today=today)
    if doc_date > today:
        raise ValidationError({"doc_date": _("成文日期不能晚于今天")})
    if file is None:
        raise ValidationError({"file": _("请上传实施意见的 PDF 文件")})
    try:
        check_pdf(file)
    except ValidationError as error:
        raise ValidationError({"file": error.messages}) from None
    try:
        with transaction.atomic():
            Org.objects.select_for_update().filter(pk=org.pk).first()  # one version number at a time per unit
            last = ImplementationReport.objects.filter(campaign=campaign, org=org).aggregate(v=Max("version"))["v"]
            report = ImplementationReport.objects.create(
                campaign=campaign,
                org=org,
                version=(last or 0) + 1,
                title=title,
                doc_number=doc_number,
                doc_date=doc_date,
                submitted_by=by,
                submitted_at=timezone.now(),
            )
            mark_done(campaign, "report_upward", org, by=by)
            _tell_province(report)
            attach_files(report, [file], org=org, by=by, field="file")
    except IntegrityError:
        raise ValidationError(_("同时有其他人报送，请刷新后重试")) from None
    return report


def _tell_province(report: ImplementationReport) -> None:
    """The province's 组织部 gets an inbox message (省委组织部 receives the report)."""
    roots = [path for path in report.org.ancestor_paths(include_self=False)]
    users = User.objects.filter(
        assignments__role=Role.ORG_DEPARTMENT, assignments__org__path__in=roots, is_active=True
    ).distinct()
    notify(
        users,
        title=_("%(org)s报送了创先争优活动实施意见") % {"org": report.org.name},
        body=_("《%(title)s》（%(number)s），第 %(version)s 版。")
        % {"title": report.title, "number": report.doc_number, "version": report.version},
        url=reverse("campaign:report_detail", args=[report.org.code]),
    )


# --- the register of 省直 reporting bodies ---------------------------------------------------------------


def _province_of(by: User, org: Org) -> Org:
    """The province root of ``org`` on which ``by`` holds the 组织部 role (PermissionDenied otherwise)."""
    if not can_manage_reporting_bodies(by):
        raise PermissionDenied(_("只有省委组织部可以维护省直报送单位名录"))
    for a in queries.assignments(by):
        if a.role == Role.ORG_DEPARTMENT and a.org.depth == 1 and org.path.startswith(a.org.path):
            return a.org
    raise PermissionDenied(_("只有省委组织部可以维护省直报送单位名录"))


@transaction.atomic
def register_reporting_body(org: Org, *, by: User, category: str, note: str = "") -> ReportingBody:
    """Enter a 省直有关单位 in the register: from now on the report_upward milestone, its reminders and the
    "who has / hasn't reported" list include it.

    "各市、省直有关单位在本地本部门本系统开展创先争优活动实施意见制定后，请及时报省委组织部。" (seed, part 五)
    """
    _province_of(by, org)
    if category not in ReportingBody.Category.values:
        raise ValidationError({"category": _("请选择报送单位的类别")})
    if org.depth == 1 or not org.active:
        raise ValidationError({"org_code": _("报送单位应是省委所属的有效单位，不能是省委本身")})
    if org.level == OrgLevel.CITY:
        raise ValidationError({"org_code": _("“%(name)s”是市委：各市都要报送，无需登记") % {"name": org.name}})
    taken = ValidationError({"org_code": _("“%(name)s”已在报送单位名录中") % {"name": org.name}})
    if ReportingBody.objects.filter(org=org).exists():
        raise taken
    body = ReportingBody(org=org, category=category, note=note.strip(), created_by=by)
    return insert_once(body, by=by, taken=taken)


@transaction.atomic
def remove_reporting_body(body: ReportingBody, *, by: User) -> None:
    """Take a unit off the register (its reports stay; the milestone no longer applies to it)."""
    _province_of(by, body.org)
    delete_as(body, by=by)


@transaction.atomic
def register_system_committees(province: Org, *, by: User) -> list[ReportingBody]:
    """Enter every unit directly under the province committee that is not a city — the system committees
    (省直机关工委, 省委教育工委, 省国资委党委 …) — as 省直系统党（工）委, unless registered already.

    The same classification the migration made for the data it found; the province's 组织部 runs it after
    importing its tree (and the demo after loading its data)."""
    if province.depth != 1:
        raise ValidationError(_("请在省委节点上登记省直系统党（工）委"), code="not_root")
    _province_of(by, province)
    found = (
        Org.objects.filter(path__startswith=province.path, depth=2, active=True, reporting_body__isnull=True)
        .exclude(level=OrgLevel.CITY)
        .order_by("path")
    )
    created = []
    for org in found:
        body = ReportingBody(org=org, category=ReportingBody.Category.SYSTEM, created_by=by)
        save_as(body, by=by)
        created.append(body)
    return created
