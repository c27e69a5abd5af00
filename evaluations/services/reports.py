"""党性分析: every member takes part; the written report is required of 在职 members and open to every
other member; the branch (its secretary) reviews the reports and records who took part without writing.

"基层党组织要在2010年“七一”前，集中一周时间，组织党员进行一次党性分析，在职党员应撰写党性分析报告，
并组织群众对党员进行评议。" (seed, part 四, (二) 1.)

Rules chosen here:
- Who must write: ``is_required(member)`` — members of category 在职. A farmer, a retired, mobile or
  student member (or 其他) may write one too; it is reviewed the same way and counts as written, but
  not as required.
- Participation: a member took part when he has a submitted or accepted report, or the secretary
  recorded his participation (``PartyAnalysisParticipation``: e.g. he spoke at the meeting).
- The window is the campaign's 'party_analysis' Milestone row (start_date..due_date, so a copied,
  shifted campaign shifts it too). A report is written, saved and submitted inside the window; a
  report the branch returned may be revised and submitted again after the window (the branch asked).
- The milestone 'party_analysis' is marked done for a basic organization automatically when every
  REQUIRED member of it has an accepted report (checked at each acceptance).
- Two secretaries reviewing one report at once: the review carries the report's ``updated_at`` as
  loaded; the second review finds it changed and is refused (``StaleReview``), nothing overwritten.
- The masses evaluate members through member batches of 群众评议 (evaluations.services.mass).
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connections, transaction
from django.db.models import Count, Exists, FilteredRelation, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from campaign.services.inbox import mark_read_about
from common.errors import StaleEdit
from common.numbers import percent
from orgs import queries
from orgs.enums import MemberCategory, Role
from orgs.models import Member, Org, User

from ..models import PartyAnalysisParticipation, PartyAnalysisReport, ReportStatus

MILESTONE = "party_analysis"
EDITABLE = (ReportStatus.DRAFT, ReportStatus.RETURNED)
WRITTEN = (ReportStatus.SUBMITTED, ReportStatus.ACCEPTED)
# "在职党员应撰写党性分析报告": the members of whom the written report is required.
REQUIRED_Q = Q(category=MemberCategory.IN_SERVICE)
RECORD_ROLES = frozenset({Role.SECRETARY})
MAX_RECORD_AT_ONCE = 500


def is_required(member: Member) -> bool:
    """Must ``member`` write a 党性分析报告? Only 在职 members ("在职党员应撰写党性分析报告"); every other
    member may write one (it is reviewed the same way) but need not."""
    return member.category == MemberCategory.IN_SERVICE


class StaleReview(StaleEdit):
    """The report changed since the reviewer loaded it (another secretary reviewed it, or the member
    resubmitted): refuse instead of overwriting."""

    def __init__(self, message=None):
        super().__init__(
            message or gettext_lazy("该报告已被他人审阅或修改，请刷新页面查看最新内容后再审阅。本次审阅未保存。")
        )


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
        mark_read_about(by, reverse("evaluations:report_detail", args=[report.pk]))  # e.g. 被退回，请修改后重新提交
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


def review_report(
    report: PartyAnalysisReport, *, by: User, accept: bool, comment: str = "", expected_updated_at=None
) -> PartyAnalysisReport:
    """The branch accepts a submitted report or returns it with a comment. ``expected_updated_at``: the
    report's ``updated_at`` as the reviewer loaded it; if the report changed since (another secretary
    reviewed it, the member resubmitted) ``StaleReview`` is raised and nothing is written."""
    if not queries.covers_member(by, report.member, {Role.SECRETARY}):
        raise PermissionDenied
    comment = (comment or "").strip()
    if not accept and not comment:
        raise ValidationError({"comment": _("退回报告时请填写审阅意见")})
    with transaction.atomic():
        locked = (
            PartyAnalysisReport.objects.select_for_update(of=("self",)).select_related("reviewed_by").get(pk=report.pk)
        )
        if locked.status in (ReportStatus.ACCEPTED, ReportStatus.RETURNED) and locked.reviewed_at:
            raise StaleReview(
                _("该报告已由%(who)s于%(at)s审阅（%(status)s），您的审阅未保存。")
                % {
                    "who": locked.reviewed_by or _("他人"),
                    "at": timezone.localtime(locked.reviewed_at).strftime("%Y-%m-%d %H:%M"),
                    "status": locked.get_status_display(),
                }
            )
        if locked.status != ReportStatus.SUBMITTED:
            raise ValidationError(_("只能审阅已提交、待审阅的报告"))
        if expected_updated_at is not None and version_of(expected_updated_at) != version_of(locked.updated_at):
            raise StaleReview
        locked.status = ReportStatus.ACCEPTED if accept else ReportStatus.RETURNED
        locked.review_comment = comment
        locked.reviewed_by = by
        locked.reviewed_at = timezone.now()
        locked.save(update_fields=["status", "review_comment", "reviewed_by", "reviewed_at", "updated_at"])
        if accept:
            complete_if_held(locked.campaign, report.member.org, by=by)
        mark_read_about(by, reverse("evaluations:report_detail", args=[report.pk]))  # ……提交了党性分析报告，请审阅
    user = User.objects.filter(member=report.member, is_active=True).first()
    if user is not None:
        _notify(
            [user],
            title=_("您的党性分析报告已通过") if accept else _("您的党性分析报告被退回，请修改后重新提交"),
            url=reverse("evaluations:report_detail", args=[report.pk]),
            body=comment,
        )
    return locked


def version_of(value) -> str:
    """A row's ``updated_at`` as the string a form carries (ISO 8601), "" for none."""
    if value is None or value == "":
        return ""
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    return str(value)


def _notify(users, *, title, url, body=""):
    from campaign.services.notifications import notify

    notify(users, title=title, body=body, url=url)


def missing_acceptance(campaign, org: Org) -> QuerySet[Member]:
    """Required (在职) members of ``org`` without an accepted report for ``campaign``."""
    accepted = PartyAnalysisReport.objects.filter(
        campaign=campaign, member=OuterRef("pk"), status=ReportStatus.ACCEPTED
    )
    return Member.objects.filter(REQUIRED_Q, org=org).exclude(Exists(accepted))


def complete_if_held(campaign, org: Org, *, by: User | None = None) -> bool:
    """Mark 'party_analysis' done for ``org`` once it has held the 党性分析 for all its members: every member
    took part (a recorded participation or a written report) and every required (在职) member's report was
    accepted. "组织党员进行一次党性分析，在职党员应撰写党性分析报告" — a branch without 在职 members is not done
    by its first accepted report."""
    from campaign.services.timeline import mark_done

    if missing_acceptance(campaign, org).exists():
        return False
    if Member.objects.filter(org=org).exclude(participated_q(campaign)).exists():
        return False
    return mark_done(campaign, MILESTONE, org, by=by, note=_("全体党员已参加党性分析，在职党员报告均已审阅通过"))


# ---- participation without a written report -------------------------------------------------------


def can_record(user: User, member: Member) -> bool:
    return queries.covers_member(user, member, RECORD_ROLES)


def record_participation(
    campaign, members, *, by: User, took_part_on: datetime.date, note: str = "", today: datetime.date | None = None
) -> list[PartyAnalysisParticipation]:
    """The secretary records that ``members`` took part in the 党性分析 (e.g. told in the meeting) without
    a written report. Members already recorded are left as they are; returns the new rows. All or none:
    one member outside the secretary's organizations refuses the whole call."""
    members = list(members)
    if not members:
        raise ValidationError({"members": _("请至少选择一名党员")})
    if len(members) > MAX_RECORD_AT_ONCE:
        raise ValidationError({"members": _("一次最多登记 %(n)s 名党员") % {"n": MAX_RECORD_AT_ONCE}})
    if not all(can_record(by, m) for m in members):
        raise PermissionDenied(_("只有党员所在党组织的书记可以登记党性分析参加情况"))
    today = today or timezone.localdate()
    window = analysis_window(campaign)
    if window is None:
        raise ValidationError(_("本次活动没有安排党性分析，不能登记参加情况"))
    if took_part_on > today:
        raise ValidationError({"took_part_on": _("参加日期不能晚于今天")})
    if took_part_on < campaign.start_date:
        raise ValidationError(
            {"took_part_on": _("参加日期不能早于活动开始日期 %(date)s") % {"date": campaign.start_date.isoformat()}}
        )
    note = (note or "").strip()[:200]
    with transaction.atomic():
        existing = set(
            PartyAnalysisParticipation.objects.filter(campaign=campaign, member__in=members).values_list(
                "member_id", flat=True
            )
        )
        rows = [
            PartyAnalysisParticipation(
                campaign=campaign,
                member=m,
                org=m.org,
                org_path=m.org_path,
                took_part_on=took_part_on,
                recorded_by=by,
                note=note,
            )
            for m in members
            if m.pk not in existing
        ]
        # One row at a time (a handful per branch) so that each gets its history row.
        for row in rows:
            row.save()
        for org in {m.org for m in members}:
            complete_if_held(campaign, org, by=by)
    return rows


def remove_participation(participation: PartyAnalysisParticipation, *, by: User) -> None:
    """Undo a participation recorded by mistake."""
    if not can_record(by, participation.member):
        raise PermissionDenied(_("只有党员所在党组织的书记可以修改党性分析参加情况"))
    with transaction.atomic():
        participation.delete()


# ---- coverage ---------------------------------------------------------------------------------------


def participated_q(campaign, prefix: str = "") -> Q:
    """Members (``prefix`` names the relation to Member) who took part: a recorded participation or a
    submitted/accepted report for ``campaign``."""
    ref = OuterRef(f"{prefix}pk") if prefix else OuterRef("pk")
    written = PartyAnalysisReport.objects.filter(campaign=campaign, member=ref, status__in=WRITTEN)
    recorded = PartyAnalysisParticipation.objects.filter(campaign=campaign, member=ref)
    return Q(Exists(written)) | Q(Exists(recorded))


def with_campaign_rows(members: QuerySet[Member], campaign) -> QuerySet[Member]:
    """``members`` with their report (``pa_report``) and recorded participation (``pa_recorded``) for
    ``campaign`` as LEFT JOINs: each is unique per (campaign, member), so no member row is repeated, and a
    filter or a count over 25,000 members is one hash join instead of a correlated sub-select per member
    (the 党性分析 list took 2.6–3.2 s on the county-scale set that way: bench/README.md)."""
    return members.annotate(
        pa_report=FilteredRelation("party_analysis_reports", condition=Q(party_analysis_reports__campaign=campaign)),
        pa_recorded=FilteredRelation(
            "party_analysis_participations", condition=Q(party_analysis_participations__campaign=campaign)
        ),
    )


def coverage(members: QuerySet[Member], campaign, *, by_member: bool = False) -> dict:
    """Honest figures over ``members`` for ``campaign``, one aggregate query:

    - ``members``: all members; ``participated``: took part (participation row or written report);
    - ``required``: 在职 members (the report is required of them); ``written_required``: of those, with a
      submitted or accepted report; ``accepted_required``: with an accepted report;
    - ``written``: every written (submitted or accepted) report, required or not; ``accepted``: every
      accepted report; ``written_optional``: written by members not required to write;
    - ``*_percent``: ``participated`` of ``members``, ``written_required`` and ``accepted_required`` of
      ``required`` (None when the denominator is 0).

    ``by_member`` (some thousands of members at most): on PostgreSQL each member's report and participation are
    looked up by index (hash joins off for this one query, in a transaction of its own). Otherwise the planner may
    hash all the campaign's 420,000 participations to count a county's 16,000 members (250 ms instead of 20:
    bench/README.md, 页面 root / county).
    """

    written = Q(pa_report__status__in=WRITTEN)
    accepted = Q(pa_report__status=ReportStatus.ACCEPTED)
    recorded = Q(pa_recorded__isnull=False)
    rows = with_campaign_rows(members, campaign).order_by()
    counts = {
        "members": Count("pk"),
        "participated": Count("pk", filter=written | recorded),
        "required": Count("pk", filter=REQUIRED_Q),
        "written_required": Count("pk", filter=REQUIRED_Q & written),
        "accepted_required": Count("pk", filter=REQUIRED_Q & accepted),
        "written": Count("pk", filter=written),
        "accepted": Count("pk", filter=accepted),
    }
    if by_member and connections[rows.db].vendor == "postgresql":
        with transaction.atomic(using=rows.db), connections[rows.db].cursor() as cursor:
            cursor.execute("SET LOCAL enable_hashjoin = off")
            return with_shares(rows.aggregate(**counts))
    return with_shares(rows.aggregate(**counts))


def with_shares(counts: dict) -> dict:
    """The counts of ``coverage`` (``evaluations.coverage.COUNTS``) with what is computed from them: the reports
    written by members not required to write and the three percentages."""
    figures = dict(counts)
    figures["written_optional"] = figures["written"] - figures["written_required"]
    figures["participated_percent"] = percent(figures["participated"], figures["members"])
    figures["written_required_percent"] = percent(figures["written_required"], figures["required"])
    figures["accepted_required_percent"] = percent(figures["accepted_required"], figures["required"])
    return figures
