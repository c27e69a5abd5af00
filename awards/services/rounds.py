"""Award rounds: create and edit, with their windows checked in order.

"2011年“七一”前，省、市、县(市、区)各级党委对先进基层党组织、优秀共产党员和优秀党务工作者进行一次集中表彰。"
"2012年“七一”前，省委将专项表彰“2010—2012年创先争优活动”先进基层党组织、优秀共产党员，以及抓创先争优活动
成绩显著的先进县(市、区)委。" (seed, part 四)
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from common.history import save_changes
from orgs import queries
from orgs.enums import OrgLevel
from orgs.models import Org, User

from ..enums import CategoryCode, NomineeKind, RoundKind
from ..models import AwardCategory, AwardRound
from .workdays import period_end_or_none, working_period_end

# "公示期不少于5个工作日": a 公示 is never planned, started or moved to end sooner than this.
MIN_PUBLICITY_WORKING_DAYS = 5
# Once the 公示 has started these are fixed (the end only moves later, through publicity.extend_publicity).
LOCKED_AFTER_START = ["publicity_starts", "publicity_working_days"]

CATEGORIES_BY_KIND = {
    RoundKind.CONCENTRATED: [
        (CategoryCode.ADVANCED_ORG, NomineeKind.ORG),
        (CategoryCode.EXCELLENT_MEMBER, NomineeKind.MEMBER),
        (CategoryCode.EXCELLENT_WORKER, NomineeKind.MEMBER),
    ],
    RoundKind.SPECIAL: [
        (CategoryCode.ADVANCED_ORG, NomineeKind.ORG),
        (CategoryCode.EXCELLENT_MEMBER, NomineeKind.MEMBER),
        (CategoryCode.EXCELLENT_WORKER, NomineeKind.MEMBER),
        (CategoryCode.ADVANCED_COUNTY, NomineeKind.ORG),
    ],
}
# The windows, in the order they must come.
WINDOW_FIELDS = ["nomination_opens", "nomination_closes", "review_closes", "publicity_starts", "decision_date"]
EDITABLE_FIELDS = [
    "name",
    "campaign",
    *WINDOW_FIELDS,
    "publicity_working_days",
    "objection_contact",
    "objection_requires_identity",
]
# The campaign milestone a commendation completes for its owner.
MILESTONE_BY_KIND = {RoundKind.CONCENTRATED: "concentrated_commendation", RoundKind.SPECIAL: "special_commendation"}


def window_labels() -> dict[str, str]:
    return {name: str(AwardRound._meta.get_field(name).verbose_name) for name in WINDOW_FIELDS}


def window_errors(values: dict) -> dict[str, str]:
    """Chinese messages at the later field of each pair out of order (推荐开始 ≤ 推荐截止 ≤ … ≤ 表彰决定日期)."""
    labels = window_labels()
    errors = {}
    for earlier, later in zip(WINDOW_FIELDS, WINDOW_FIELDS[1:], strict=False):
        a, b = values.get(earlier), values.get(later)
        if a and b and b < a:
            errors[later] = _("“%(later)s”不能早于“%(earlier)s”（%(date)s）") % {
                "later": labels[later],
                "earlier": labels[earlier],
                "date": a.isoformat(),
            }
    days = values.get("publicity_working_days")
    if days is not None and days < MIN_PUBLICITY_WORKING_DAYS:
        errors["publicity_working_days"] = _("公示期不得少于 %(n)s 个工作日") % {"n": MIN_PUBLICITY_WORKING_DAYS}
    return errors


def locked_field_errors(award_round: AwardRound, values: dict) -> dict[str, str]:
    """Once the 公示 has started, its start date is fixed and its period is changed only by an extension."""
    if not award_round.publicity_started:
        return {}
    errors = {}
    start = award_round.publicity_starts
    if "publicity_starts" in values and values["publicity_starts"] != start:
        errors["publicity_starts"] = _("公示已于 %(start)s 开始，公示开始日期不能再修改") % {"start": start.isoformat()}
    if "publicity_working_days" in values and values["publicity_working_days"] != award_round.publicity_working_days:
        errors["publicity_working_days"] = _(
            "公示已开始，公示期不能在此修改；如需延长，请在拟表彰名单页面“延长公示期”并填写原因"
        )
    return errors


def can_manage_round(user: User, award_round: AwardRound) -> bool:
    """The 组织部 of the round's owner (a role on the owner node or above) manages it."""
    return queries.covers(user, award_round.owner_org, queries.MANAGE_ROLES)


def owner_choices(user: User):
    """Nodes a user may create a round for: non-basic organizations it manages."""
    return queries.orgs_for(user, roles=queries.MANAGE_ROLES).exclude(level=OrgLevel.BASIC)


def _check_owner(user: User, owner_org: Org) -> None:
    if owner_org.level == OrgLevel.BASIC:
        raise ValidationError({"owner_org": _("表彰机关须为县级以上党委或乡镇（街道）党（工）委")})
    if not queries.covers(user, owner_org, queries.MANAGE_ROLES):
        raise PermissionDenied


def create_round(*, by: User, owner_org: Org, code: str, kind: str, **fields) -> AwardRound:
    """A new round with the categories of its kind (集中表彰: three; 专项表彰: four, incl. 先进县(市、区)委)."""
    _check_owner(by, owner_org)
    errors = window_errors(fields)
    if errors:
        raise ValidationError(errors)
    if AwardRound.objects.filter(code=code).exists():
        raise ValidationError({"code": _("代码“%(code)s”已被使用") % {"code": code}})
    try:
        with transaction.atomic():
            award_round = AwardRound.objects.create(owner_org=owner_org, code=code, kind=kind, **fields)
            bulk_create_with_history(
                [
                    AwardCategory(award_round=award_round, code=category, nominee_kind=nominee_kind, order=order)
                    for order, (category, nominee_kind) in enumerate(CATEGORIES_BY_KIND[RoundKind(kind)], start=1)
                ],
                AwardCategory,
                default_user=by,
            )
    except IntegrityError:
        raise ValidationError({"code": _("代码“%(code)s”已被使用") % {"code": code}}) from None
    return award_round


def update_round(award_round: AwardRound, *, by: User, **fields) -> AwardRound:
    if not can_manage_round(by, award_round):
        raise PermissionDenied
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    with transaction.atomic():
        award_round = AwardRound.objects.select_for_update().select_related("owner_org").get(pk=award_round.pk)
        values = {name: getattr(award_round, name) for name in WINDOW_FIELDS} | fields
        # A locked field's own message wins over a window message at the same field.
        errors = window_errors(values) | locked_field_errors(award_round, fields)
        if errors:
            raise ValidationError(errors)
        save_changes(award_round, fields, by=by)
    return award_round


def publicity_end(award_round: AwardRound) -> datetime.date:
    """The last day of the 公示: ``publicity_working_days`` working days from ``publicity_starts``.

    Raises awards.services.workdays.ScheduleMissing when the period reaches a year without a schedule."""
    return working_period_end(award_round.publicity_starts, award_round.publicity_working_days)


def shown_publicity_end(award_round: AwardRound) -> datetime.date | None:
    """``publicity_end`` for pages: None while a year's holiday schedule it needs is not entered."""
    return period_end_or_none(award_round.publicity_starts, award_round.publicity_working_days)


def today() -> datetime.date:
    return timezone.localdate()


def nomination_window_error(award_round: AwardRound, day: datetime.date) -> str:
    """Why nominations cannot be made on ``day`` ('' when they can)."""
    if day < award_round.nomination_opens or day > award_round.nomination_closes:
        return _("推荐时间为 %(opens)s 至 %(closes)s，现在不能推荐") % {
            "opens": award_round.nomination_opens.isoformat(),
            "closes": award_round.nomination_closes.isoformat(),
        }
    return ""


def review_window_error(award_round: AwardRound, day: datetime.date) -> str:
    """Why levels cannot forward or reject on ``day`` ('' when they can)."""
    if day < award_round.nomination_opens:
        return _("推荐工作 %(opens)s 开始，现在还不能审核") % {"opens": award_round.nomination_opens.isoformat()}
    if day > award_round.review_closes:
        return _("审核截止日期 %(closes)s 已过") % {"closes": award_round.review_closes.isoformat()}
    return ""
