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

from orgs.enums import Role
from orgs.models import Org, User

from ..models import Campaign, ImplementationReport
from ..queries_activities import can_submit_report
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
            attach_files(report, [file], org=org, by=by)
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
