"""Designating commended organizations and members as exemplars (先进典型, 示范点) for phase three.

"树立先进典型。以受表彰的对象为重点，省、市、县(市、区)分别确定一批不同领域、不同行业、不同单位基层组织和
党员队伍建设工作的示范点，采取组织先进典型巡回报告、到示范点参观学习等形式，扩大典型影响力。"
(seed, part 四, (三))

The exemplar is evaluations' ``Exemplar`` (the one 对标定位 benchmarks against), created through
``evaluations.services.benchmarking.designate_exemplar`` so its rules hold (designated by the 组织部
of a province, city or county covering the nominee; a 示范点 is an organization). The awards side
records the commendation it came from and the public profile's name, unit and category.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from evaluations.models import ExemplarKind
from evaluations.services.benchmarking import designate_exemplar, designating_orgs
from orgs.models import Org, User

from ..models import CommendedExemplar, Nomination
from ..queries.documents import subject_path

PROFILE_MAX_LENGTH = 2000


def designating_orgs_for(user: User, nomination: Nomination) -> list[Org]:
    """The province, city and county committees (org_department) of ``user`` covering the nominee."""
    path = subject_path(nomination)
    return [org for org in designating_orgs(user) if path.startswith(org.path)]


def kinds_for(nomination: Nomination) -> list[tuple[str, str]]:
    """示范点 is an organization; a member can only be a 先进典型."""
    if nomination.nominee_org_id:
        return list(ExemplarKind.choices)
    return [(ExemplarKind.ADVANCED_MODEL.value, ExemplarKind.ADVANCED_MODEL.label)]


def designate_commended(
    nomination: Nomination, *, by: User, designated_by_org: Org, kind: str, profile: str
) -> CommendedExemplar:
    """A commended nominee becomes an exemplar of ``designated_by_org`` with a short public profile."""
    if nomination.status != Nomination.Status.APPROVED:
        raise ValidationError(_("只有批准表彰的对象才能确定为先进典型"))
    if designated_by_org not in designating_orgs_for(by, nomination):
        raise PermissionDenied
    if kind not in dict(kinds_for(nomination)):
        raise ValidationError({"kind": _("党员个人只能确定为先进典型，不能确定为示范点")})
    profile = (profile or "").strip()
    if len(profile) > PROFILE_MAX_LENGTH:
        raise ValidationError({"profile": _("简介不能超过 %(n)s 字") % {"n": PROFILE_MAX_LENGTH}})
    with transaction.atomic():
        Nomination.objects.select_for_update().filter(pk=nomination.pk).first()  # one designation at a time
        already = CommendedExemplar.objects.filter(
            nomination=nomination,
            exemplar__designated_by_org=designated_by_org,
            exemplar__active=True,
        ).exists()
        if already:
            raise ValidationError(_("该对象已由本单位确定为先进典型"))
        exemplar = designate_exemplar(
            by=by,
            designated_by_org=designated_by_org,
            kind=kind,
            org=nomination.nominee_org,
            member=nomination.nominee_member,
            profile=profile,
        )
        return CommendedExemplar.objects.create(
            exemplar=exemplar,
            award_round=nomination.award_round,
            nomination=nomination,
            category=nomination.category,
            name=nomination.nominee_name,
            unit=nomination.unit,
            post=nomination.post,
            city_name=nomination.city_name,
        )
