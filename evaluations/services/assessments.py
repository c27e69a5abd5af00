"""Assessments of an organization or a member: self (自评), superior (考核), peer (党员评议).

"考核评议。上级党组织要对基层党组织、基层党组织对党员开展创先争优活动情况进行考核，并采取适当方式
组织党员、群众进行评议。" (seed, part 四 (四))

Who may write which assessment:
- self (自评): an organization's own secretary (党务工作者), one per organization and period;
- self (自评) of a member: the member himself (his own account, ``user.member``), one per member and
  period — his 五个模范 self-assessment ("组织党员、群众进行评议");
- superior (考核): of an organization, the org_department of a node above it (not on its own
  node), one per organization and period; of a member, the org_department above or the
  secretary of the member's organization ("基层党组织对党员…进行考核"), one per member and period;
- peer (党员评议): a member of the same organization reviews a fellow member, once per author
  and target; or the organization's secretary records the result of the review meeting.
One level per criterion plus a comment; a draft can be changed, a submitted assessment is locked.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from common.errors import DomainError
from orgs import queries
from orgs.enums import Role

from ..enums import AssessmentStatus, Source, Target
from ..models import Assessment, AssessmentScore
from .criteria import applicable_set
from .scoring import weighted_mean

SECRETARY = {Role.SECRETARY}


class AssessmentLocked(DomainError):
    """The assessment was submitted and locked: a state of the record, not a field's rule."""


def is_superior(user, org) -> bool:
    """Does an org_department assignment of ``user`` cover ``org`` from a node strictly above it?"""
    for a in queries.assignments(user):
        if (
            a.role == Role.ORG_DEPARTMENT
            and org.path.startswith(a.org.path)
            and org.path != a.org.path
            and (not a.sector or org.sector in ("", a.sector))
        ):
            return True
    return False


def can_assess(user, source, *, org=None, member=None) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if member is not None:
        if source == Source.SELF:
            return user.member_id is not None and user.member_id == member.pk
        if source == Source.SUPERIOR:
            return is_superior(user, member.org) or queries.covers(user, member.org, SECRETARY)
        if source == Source.PEER:
            own = user.member
            same_org = own is not None and own.org_id == member.org_id and own.pk != member.pk
            return bool(same_org or queries.covers(user, member.org, SECRETARY))
        return False
    if source == Source.SELF:
        return queries.covers(user, org, SECRETARY)
    if source == Source.SUPERIOR:
        return is_superior(user, org)
    return False


def find_assessment(period, source, *, org=None, member=None, author=None) -> Assessment | None:
    """The existing assessment this user would write: for self/superior the one per target, for
    peer the author's own."""
    qs = Assessment.objects.filter(period=period, source=source).select_related("criteria_set")
    if member is not None:
        qs = qs.filter(target=Target.MEMBER, member=member)
        if source == Source.PEER:
            qs = qs.filter(author=author)
    else:
        qs = qs.filter(target=Target.ORG, org=org)
    return qs.first()


@transaction.atomic
def create_assessment(period, source, *, org=None, member=None, by) -> Assessment:
    """A new draft. Refuses a second self or superior assessment of the same target and period,
    and a second peer review by the same author."""
    if (org is None) == (member is None):
        raise ValueError("exactly one of org and member")
    if source not in (Source.SELF, Source.SUPERIOR, Source.PEER):
        raise ValidationError(_("群众评议通过评议码进行，不能在此填写"))
    if org is not None and source == Source.PEER:
        raise ValidationError(_("党员评议的对象是党员"))
    if not can_assess(by, source, org=org, member=member):
        raise PermissionDenied(_("您无权填写该评价"))
    target_org = member.org if member is not None else org
    target = Target.MEMBER if member is not None else Target.ORG
    if find_assessment(period, source, org=org, member=member, author=by) is not None:
        raise ValidationError(_duplicate_message(source, member))
    criteria_set = applicable_set(target_org, period, target)
    if criteria_set is None:
        raise ValidationError(_("没有适用的评价标准，请联系组织部"))
    assessment = Assessment(
        period=period,
        target=target,
        org=target_org,
        org_path=target_org.path,
        member=member,
        source=source,
        criteria_set=criteria_set,
        author=by,
    )
    try:
        with transaction.atomic():
            assessment.save()
    except IntegrityError:
        raise ValidationError(_duplicate_message(source, member)) from None
    return assessment


def _duplicate_message(source, member=None):
    if source == Source.SELF and member:
        return _("您本期间的自评已存在，不能重复创建")
    if source == Source.SELF:
        return _("本期间该组织的自评已存在，不能重复创建")
    if source == Source.SUPERIOR:
        return _("本期间对该对象的上级考核已存在，不能重复创建")
    return _("您在本期间已评议过该党员，每人只能评议一次")


@transaction.atomic
def save_assessment(
    assessment: Assessment,
    *,
    by,
    levels: dict[int, str],
    comments: dict[int, str] | None = None,
    comment: str = "",
    submit: bool = False,
) -> Assessment:
    """Store the chosen level per criterion (``levels``: criterion id → level key; empty = not
    yet chosen) and the comments; with ``submit`` also check completeness, compute and store the
    score and lock the assessment. A submitted assessment cannot be changed."""
    assessment = Assessment.objects.select_for_update().select_related("criteria_set").get(pk=assessment.pk)
    if assessment.status == AssessmentStatus.SUBMITTED:
        raise AssessmentLocked(_("该评价已提交并锁定，不能再修改"))
    if not _may_edit(by, assessment):
        raise PermissionDenied(_("您无权修改该评价"))
    criteria_set = assessment.criteria_set
    criteria = list(criteria_set.criteria.all())
    valid_keys = {level["key"] for level in criteria_set.levels}
    comments = comments or {}
    errors = []
    chosen = {}
    for criterion in criteria:
        key = (levels.get(criterion.pk) or "").strip()
        if key and key not in valid_keys:
            errors.append(_("“%(name)s”的等次无效") % {"name": criterion.name})
        elif key:
            chosen[criterion.pk] = key
    missing = [c.name for c in criteria if c.pk not in chosen]
    if submit and missing:
        errors.append(_("提交前请为每一项选择等次，尚未评定：%(names)s") % {"names": "、".join(missing)})
    if errors:
        raise ValidationError(errors)
    existing = {s.criterion_id: s for s in assessment.scores.all()}
    for criterion in criteria:
        key = chosen.get(criterion.pk)
        note = (comments.get(criterion.pk) or "").strip()[:300]
        row = existing.get(criterion.pk)
        if key is None:
            if row is not None:
                row.delete()
            continue
        points = criteria_set.level_score(key) if submit else None
        if row is None:
            AssessmentScore.objects.create(
                assessment=assessment, criterion=criterion, level=key, comment=note, points=points
            )
        elif (row.level, row.comment, row.points) != (key, note, points):
            row.level, row.comment, row.points = key, note, points
            row.save(update_fields=["level", "comment", "points"])
    assessment.comment = (comment or "").strip()
    fields = ["comment", "updated_at"]
    if submit:
        assessment.score = weighted_mean((c.weight, criteria_set.level_score(chosen[c.pk])) for c in criteria)
        assessment.status = AssessmentStatus.SUBMITTED
        assessment.submitted_at = timezone.now()
        fields += ["score", "status", "submitted_at"]
    assessment.save(update_fields=fields)
    return assessment


def _may_edit(user, assessment: Assessment) -> bool:
    if assessment.source == Source.PEER:
        return assessment.author_id == user.pk
    return can_assess(
        user,
        assessment.source,
        org=assessment.org if assessment.member_id is None else None,
        member=assessment.member,
    )
