"""The basic organization's rating of its members (优秀 / 合格 / 基本合格 / 不合格) and the release of the
members' results.

"考核评议。上级党组织要对基层党组织、基层党组织对党员开展创先争优活动情况进行考核，并采取适当方式组织
党员、群众进行评议。" (seed, part 四 (四))

Rules chosen here:
- Who rates: the secretary of the member's organization (a 党总支's secretary covers its branches too),
  or the org_department above it.
- The scores: the member's combined score (``scoring.member_scores``: the branch's assessment, 党员评议
  and 群众评议 with the member weights of his subtree; his self-assessment weighs 0 unless configured).
- The rating "departs from the scores" when the level the combined score implies (``implied_level``,
  thresholds in ``RATING_THRESHOLDS``: ≥ 90 优秀, ≥ 75 合格, ≥ 60 基本合格, else 不合格) differs from the
  chosen level; then a reason is required. Without any score a reason is required for 优秀 and 不合格
  (the two levels that single a member out).
- Stale saves: the form carries the rating's ``updated_at`` as loaded ("" when there was none); if
  somebody rated the member since, ``StaleRating`` is raised and nothing is written (the view answers
  409 and keeps the typed text) — the same convention as implementation plans (``StalePlan``).
- The rating keeps the organization that made it (``org``): a member moved to another branch takes it
  with him, the old branch's board still shows it.
- Release: the organization publishes its members' results of a period once; each member then sees his
  branch assessment, rating and 群众评议 results (``evaluations.queries.scoring.released_results_for``).
"""

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from common.errors import StaleEdit
from orgs import queries
from orgs.enums import Role
from orgs.models import Member, Org, User

from ..enums import MemberRatingLevel
from ..models import MemberRating, MemberResultsRelease, Period
from .reports import version_of
from .scoring import member_scores

RATE_ROLES = frozenset({Role.SECRETARY, Role.ORG_DEPARTMENT})
# The level a combined member score implies: the first threshold the score reaches, else 不合格.
RATING_THRESHOLDS = (
    (Decimal(90), MemberRatingLevel.EXCELLENT),
    (Decimal(75), MemberRatingLevel.QUALIFIED),
    (Decimal(60), MemberRatingLevel.BASIC),
)
# Without any score these levels need a reason.
REASON_WITHOUT_SCORES = frozenset({MemberRatingLevel.EXCELLENT, MemberRatingLevel.UNQUALIFIED})


class StaleRating(StaleEdit):
    """Somebody rated the member since the form was loaded: refuse instead of overwriting his rating."""

    def __init__(self):
        super().__init__(
            gettext_lazy("该党员的评定等次已被他人修改，您看到的不是最新内容。请核对最新结果后再保存，本次操作未保存。")
        )


def implied_level(score: Decimal | None) -> str | None:
    """The rating the combined score implies (``RATING_THRESHOLDS``: ≥ 90 优秀, ≥ 75 合格, ≥ 60 基本合格,
    else 不合格); None without a score."""
    if score is None:
        return None
    for threshold, level in RATING_THRESHOLDS:
        if score >= threshold:
            return level
    return MemberRatingLevel.UNQUALIFIED


def departs(level: str, score: Decimal | None) -> bool:
    """Does choosing ``level`` depart from the scores (and so need a reason)?"""
    implied = implied_level(score)
    if implied is None:
        return level in REASON_WITHOUT_SCORES
    return level != implied


def can_rate(user: User, member: Member) -> bool:
    return queries.covers_member(user, member, RATE_ROLES)


def rate_member(
    member: Member,
    period: Period,
    *,
    by: User,
    level: str,
    reason: str = "",
    expected_updated_at=None,
) -> MemberRating:
    """Set (or change) ``member``'s rating for ``period``.

    ``expected_updated_at``: the rating's ``updated_at`` when the form was loaded ("" or a falsy value
    other than None: there was none; None: do not check). Raises ``StaleRating`` when it no longer
    matches, ``ValidationError({"reason": …})`` when the level departs from the scores without a reason.
    """
    if not can_rate(by, member):
        raise PermissionDenied(_("只有党员所在党组织的书记或上级组织部可以评定党员等次"))
    if level not in MemberRatingLevel.values:
        raise ValidationError({"level": _("请选择评定等次")})
    reason = (reason or "").strip()
    score = member_scores(period, Member.objects.filter(pk=member.pk)).get(member.pk, {}).get("score")
    if departs(level, score) and not reason:
        raise ValidationError({"reason": _reason_message(level, score)})
    now = timezone.now()
    with transaction.atomic():
        current = MemberRating.objects.select_for_update().filter(period=period, member=member).first()
        if expected_updated_at is not None and version_of(expected_updated_at) != version_of(
            current.updated_at if current else None
        ):
            raise StaleRating
        if current is None:
            current = MemberRating(period=period, member=member)
        current.org = member.org
        current.org_path = member.org_path
        current.level = level
        current.reason = reason
        current.rated_by = by
        current.rated_at = now
        try:
            with transaction.atomic():
                current.save()
        except IntegrityError:  # rated concurrently by somebody else since we looked
            raise StaleRating from None
    return current


def _reason_message(level: str, score: Decimal | None) -> str:
    chosen = MemberRatingLevel(level).label
    implied = implied_level(score)
    if implied is None:
        return _("该党员还没有任何评价得分，评定为“%(level)s”须填写评定理由") % {"level": chosen}
    return _("综合得分 %(score)s 对应“%(implied)s”，评定为“%(level)s”须填写评定理由") % {
        "score": score,
        "implied": MemberRatingLevel(implied).label,
        "level": chosen,
    }


# ---- release -----------------------------------------------------------------------------------------


def can_release(user: User, org: Org) -> bool:
    return queries.covers(user, org, RATE_ROLES)


def release_member_results(org: Org, period: Period, *, by: User) -> MemberResultsRelease:
    """Publish the results ``org`` made for its members in ``period`` (branch assessment, rating, 群众评议):
    each member then sees his own. Once per organization and period."""
    if not can_release(by, org):
        raise PermissionDenied(_("只有本组织的书记或上级组织部可以发布党员评议结果"))
    if not org.is_basic:
        raise ValidationError(_("只有基层党组织发布本组织党员的评议结果"))
    try:
        with transaction.atomic():
            return MemberResultsRelease.objects.create(period=period, org=org, org_path=org.path, released_by=by)
    except IntegrityError:
        raise ValidationError(_("本期间的党员评议结果已经发布")) from None
