"""党性分析报告: written by each in-service member inside the campaign's 'party_analysis' window,
reviewed by the branch (its secretary), counted for coverage.

"基层党组织要在2010年“七一”前，集中一周时间，组织党员进行一次党性分析，在职党员应撰写党性分析报告，
并组织群众对党员进行评议。" (seed, part 四, (二) 1.)

Rules chosen here:
- The window is the campaign's 'party_analysis' Milestone row (start_date..due_date, so a copied,
  shifted campaign shifts it too). A report is written, saved and submitted inside the window; a
  report the branch returned may be revised and submitted again after the window (the branch asked).
- The milestone 'party_analysis' is marked done for a basic organization automatically when every
  in-service member of it has an accepted report (checked at each acceptance).
- The masses evaluate members through member batches of 群众评议 (evaluations.services.mass).
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from orgs import queries
from orgs.enums import MemberCategory, Role
from orgs.models import Member, Org, User

from ..models import PartyAnalysisReport, ReportStatus

MILESTONE = "party_analysis"
EDITABLE = (ReportStatus.DRAFT, ReportStatus.RETURNED)
WRITTEN = (ReportStatus.SUBMITTED, ReportStatus.ACCEPTED)


def analysis_window(campaign) -> tuple[datetime.date, datetime.date] | None:
    """(start, due) of the campaign's 'party_analysis' milestone; None when the campaign has none."""
    from campaign.models import Milestone

    milestone = Milestone.objects.filter(campaign=campaign, code=MILESTONE).select_related("phase").first()
    if milestone is None:
        return None
    return (milestone.start_date or milestone.phase.start_date, milestone.due_date)


def in_window(campaign, today: datetime.date | None = None) -> bool:
    window = analysis_window(campaign)
    today = today or timezone.localdate()
    return window is not None and window[0] <= today <= window[1]


def _ensure_window(campaign, today):
    window = analysis_window(campaign)
    if window is None:
        raise ValidationError(_("本次活动没有安排党性分析，不能撰写党性分析报告"))
    if not window[0] <= today <= window[1]:
        raise ValidationError(
            _("党性分析报告应在 %(start)s 至 %(due)s 期间撰写和提交")
            % {"start": window[0].isoformat(), "due": window[1].isoformat()}
        )


def save_report(
    member: Member, campaign, *, by: User, content: str, submit: bool = False, today: datetime.date | None = None
) -> PartyAnalysisReport:
    """The member writes (and optionally submits) its own report."""
    if by.member_id != member.pk:
        raise PermissionDenied
    today = today or timezone.localdate()
    if member.category != MemberCategory.IN_SERVICE:
        raise ValidationError(_("党性分析报告由在职党员撰写"))
    content = (content or "").strip()
    if not content:
        raise ValidationError({"content": _("请填写报告正文")})
    with transaction.atomic():
        report = PartyAnalysisReport.objects.select_for_update().filter(campaign=campaign, member=member).first()
        if report is not None and report.status not in EDITABLE:
            raise ValidationError(_("报告已提交，不能再修改"))
        if report is None or report.status == ReportStatus.DRAFT:
            _ensure_window(campaign, today)
        if report is None:
            report = PartyAnalysisReport(
                campaign=campaign, member=member, org=member.org, org_path=member.org_path, content=content
            )
        report.content = content
        if submit:
            report.status = ReportStatus.SUBMITTED
            report.submitted_at = timezone.now()
        report.save()
    if submit:
        _notify(
            users_with_role_above(member.org, Role.SECRETARY),
            title=_("%(name)s提交了党性分析报告，请审阅") % {"name": member.name},
            url=reverse("evaluations:report_detail", args=[report.pk]),
        )
    return report


def users_with_role_above(org: Org, role: str) -> QuerySet[User]:
    """Accounts holding ``role`` on ``org`` or one of its ancestors."""
    return User.objects.filter(
        is_active=True, assignments__role=role, assignments__org__path__in=org.ancestor_paths()
    ).distinct()


def review_report(report: PartyAnalysisReport, *, by: User, accept: bool, comment: str = "") -> PartyAnalysisReport:
    """The branch accepts a submitted report or returns it with a comment."""
    if not queries.covers_member(by, report.member, {Role.SECRETARY}):
        raise PermissionDenied
    comment = (comment or "").strip()
    if not accept and not comment:
        raise ValidationError({"comment": _("退回报告时请填写审阅意见")})
    with transaction.atomic():
        locked = PartyAnalysisReport.objects.select_for_update().get(pk=report.pk)
        if locked.status != ReportStatus.SUBMITTED:
            raise ValidationError(_("只能审阅已提交、待审阅的报告"))
        locked.status = ReportStatus.ACCEPTED if accept else ReportStatus.RETURNED
        locked.review_comment = comment
        locked.reviewed_by = by
        locked.reviewed_at = timezone.now()
        locked.save(update_fields=["status", "review_comment", "reviewed_by", "reviewed_at", "updated_at"])
        if accept:
            complete_if_all_accepted(locked.campaign, report.member.org, by=by)
    user = User.objects.filter(member=report.member, is_active=True).first()
    if user is not None:
        _notify(
            [user],
            title=_("您的党性分析报告已通过") if accept else _("您的党性分析报告被退回，请修改后重新提交"),
            url=reverse("evaluations:report_detail", args=[report.pk]),
            body=comment,
        )
    return locked


def _notify(users, *, title, url, body=""):
    from campaign.services.notifications import notify

    notify(users, title=title, body=body, url=url)


def missing_acceptance(campaign, org: Org) -> QuerySet[Member]:
    """In-service members of ``org`` without an accepted report for ``campaign``."""
    accepted = PartyAnalysisReport.objects.filter(
        campaign=campaign, member=OuterRef("pk"), status=ReportStatus.ACCEPTED
    )
    return Member.objects.filter(org=org, category=MemberCategory.IN_SERVICE).exclude(Exists(accepted))


def complete_if_all_accepted(campaign, org: Org, *, by: User | None = None) -> bool:
    """Mark 'party_analysis' done for ``org`` once every in-service member has an accepted report."""
    from campaign.services.timeline import mark_done

    if missing_acceptance(campaign, org).exists():
        return False
    return mark_done(campaign, MILESTONE, org, by=by, note=_("在职党员党性分析报告均已审阅通过"))


def coverage(members: QuerySet[Member], campaign) -> dict:
    """In-service members of ``members`` and how many have written (submitted or accepted) and have an
    accepted report: one aggregate query."""
    reports = PartyAnalysisReport.objects.filter(campaign=campaign, member=OuterRef("pk"))
    figures = members.filter(category=MemberCategory.IN_SERVICE).aggregate(
        total=Count("pk"),
        written=Count("pk", filter=Exists(reports.filter(status__in=WRITTEN))),
        accepted=Count("pk", filter=Exists(reports.filter(status=ReportStatus.ACCEPTED))),
    )
    from .mass import percent

    figures["written_percent"] = percent(figures["written"], figures["total"])
    figures["accepted_percent"] = percent(figures["accepted"], figures["total"])
    return figures
