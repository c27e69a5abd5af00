"""对标定位: designating exemplars, benchmarking against them, catch-up measures and their progress.

"树立先进典型。以受表彰的对象为重点，省、市、县(市、区)分别确定一批不同领域、不同行业、不同单位基层组织和
党员队伍建设工作的示范点，采取组织先进典型巡回报告、到示范点参观学习等形式，扩大典型影响力。"
"搞好对标定位。所有基层党组织和党员，都要对照本行业、本系统的先进典型，对照工作标准，查找自身差距，明确努力
方向，制定跟进、赶超的具体措施，形成比、学、赶、帮、超的浓厚氛围。" (seed, part 四, (三))
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from orgs import queries
from orgs.enums import OrgLevel
from orgs.models import Member, Org, User

from ..models import Benchmark, CatchUpMeasure, Exemplar, ExemplarKind, MeasureProgress
from ..queries import mass as queries_mass

DESIGNATING_LEVELS = (OrgLevel.PROVINCE, OrgLevel.CITY, OrgLevel.COUNTY)


def designating_orgs(user: User) -> list[Org]:
    """The province, city and county committees on which ``user`` is org_department: the units in
    whose name it may designate exemplars."""
    return [
        a.org
        for a in queries.assignments(user)
        if a.role in queries_mass.EXEMPLAR_DESIGNATE_ROLES and a.org.level in DESIGNATING_LEVELS and not a.sector
    ]


def designate_exemplar(
    *, by: User, designated_by_org: Org, kind: str, org: Org | None = None, member: Member | None = None, profile: str
) -> Exemplar:
    """org_department of a province, city or county committee designates a 示范点 (an organization) or a
    先进典型 (an organization or a member) inside its subtree."""
    if designated_by_org.level not in DESIGNATING_LEVELS:
        raise ValidationError({"designated_by_org": _("示范点和先进典型由省、市、县(市、区)确定")})
    if not queries.covers(by, designated_by_org, queries_mass.EXEMPLAR_DESIGNATE_ROLES):
        raise PermissionDenied
    if (org is None) == (member is None):
        raise ValidationError(_("请指定一个组织或一名党员"))
    if kind == ExemplarKind.DEMONSTRATION_SITE and org is None:
        raise ValidationError({"member_id": _("示范点是基层组织，不能是党员个人")})
    path = org.path if org is not None else member.org_path
    if not path.startswith(designated_by_org.path):
        raise ValidationError({"designated_by_org": _("只能在本级所辖范围内确定示范点和先进典型")})
    profile = (profile or "").strip()
    if not profile:
        raise ValidationError({"profile": _("请填写典型事迹")})
    subject_org = org if org is not None else member.org
    return Exemplar.objects.create(
        kind=kind,
        org=org,
        member=member,
        org_path=path,
        designated_by_org=designated_by_org,
        level=designated_by_org.level,
        sector=subject_org.sector,
        profile=profile,
        designated_by=by,
    )


def can_edit_exemplar(user: User, exemplar: Exemplar) -> bool:
    return queries.covers(user, exemplar.designated_by_org, queries_mass.EXEMPLAR_DESIGNATE_ROLES)


def update_exemplar(exemplar: Exemplar, *, by: User, profile: str, active: bool) -> Exemplar:
    if not can_edit_exemplar(by, exemplar):
        raise PermissionDenied
    profile = (profile or "").strip()
    if not profile:
        raise ValidationError({"profile": _("请填写典型事迹")})
    exemplar.profile = profile
    exemplar.active = active
    exemplar.save(update_fields=["profile", "active"])
    return exemplar


def create_benchmark(
    *, by: User, exemplar: Exemplar, org: Org | None = None, member: Member | None = None, gaps: str, direction=""
) -> Benchmark:
    """An organization (by its secretary) or a member (for itself) benchmarks against an exemplar
    designated by its province, city or county."""
    if member is not None:
        if by.member_id != member.pk:
            raise PermissionDenied
        org = member.org
    elif org is None or not queries.covers(by, org, queries_mass.BENCHMARK_ORG_ROLES):
        raise PermissionDenied
    if not queries_mass.exemplars_available_to(org).filter(pk=exemplar.pk).exists():
        raise ValidationError({"exemplar": _("只能对照本省、本市、本县确定的有效先进典型")})
    if (member is not None and exemplar.member_id == member.pk) or (member is None and exemplar.org_id == org.pk):
        raise ValidationError({"exemplar": _("不能以自身为对标典型")})
    gaps = (gaps or "").strip()
    if not gaps:
        raise ValidationError({"gaps": _("请填写查找出的差距")})
    return Benchmark.objects.create(
        exemplar=exemplar,
        org=org,
        org_path=org.path,
        member=member,
        gaps=gaps,
        direction=(direction or "").strip(),
        created_by=by,
    )


def can_edit_benchmark(user: User, benchmark: Benchmark) -> bool:
    """The member for its own benchmark; the organization's secretary for the organization's."""
    if benchmark.member_id:
        return user.member_id == benchmark.member_id
    return queries.covers(user, benchmark.org, queries_mass.BENCHMARK_ORG_ROLES)


def add_measure(benchmark: Benchmark, *, by: User, content: str, deadline: datetime.date) -> CatchUpMeasure:
    if not can_edit_benchmark(by, benchmark):
        raise PermissionDenied
    content = (content or "").strip()
    if not content:
        raise ValidationError({"content": _("请填写赶超措施")})
    return CatchUpMeasure.objects.create(benchmark=benchmark, content=content, deadline=deadline, created_by=by)


def add_progress(measure: CatchUpMeasure, *, by: User, date: datetime.date, note: str, percent: int) -> MeasureProgress:
    """Record progress; the measure's completion becomes the entry's percent."""
    if not can_edit_benchmark(by, measure.benchmark):
        raise PermissionDenied
    if not 0 <= percent <= 100:
        raise ValidationError({"percent": _("完成进度应在 0 到 100 之间")})
    if date > timezone.localdate():
        raise ValidationError({"date": _("进展日期不能晚于今天")})
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("请填写进展情况")})
    with transaction.atomic():
        locked = CatchUpMeasure.objects.select_for_update().get(pk=measure.pk)
        entry = MeasureProgress.objects.create(measure=locked, date=date, note=note, percent=percent, by=by)
        locked.percent = percent
        locked.save(update_fields=["percent"])
    measure.percent = percent
    return entry


def overdue(measures: QuerySet[CatchUpMeasure], today: datetime.date | None = None) -> QuerySet[CatchUpMeasure]:
    """Measures past their deadline and not complete."""
    today = today or timezone.localdate()
    return measures.filter(deadline__lt=today, percent__lt=100)
