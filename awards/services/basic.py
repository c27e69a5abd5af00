"""A basic organization's own commendation (基层表彰): write, add members, optional 公示, announce, annul.

"基层党组织也要采取适当方式对优秀共产党员进行表彰奖励。" (seed, part 四.(二))

The secretary of a basic organization runs it: no quotas from above and no 公示 unless the
organization chooses one. When it does, opening the 公示 puts the names (and posts) on a public page
for the chosen number of working days; the results can be announced only after it ends. Announcing
marks the campaign milestone "基层表彰" done for the organization. The 组织部 above may annul a round or
one award, with a reason that is kept (nothing is deleted once announced).
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from common.actors import is_system
from orgs import queries
from orgs.models import Member, Org, User

from ..models import BasicAward, BasicCommendation
from ..models.basic import DEFAULT_HONOUR
from ..queries.basic import ANNUL_ROLES, WRITE_ROLES
from .workdays import period_end_or_none, working_period_end

Status = BasicCommendation.Status
MILESTONE = "basic_commendation"
MAX_PUBLICITY_DAYS = 30
EDITABLE_FIELDS = [
    "title",
    "year",
    "date",
    "method",
    "publicity",
    "publicity_working_days",
    "publicity_contact",
]


def local_today() -> datetime.date:
    return timezone.localdate()


# ----- permissions (no query) -----


def can_write(user: User, org: Org) -> bool:
    return queries.covers(user, org, WRITE_ROLES)


def can_edit(user: User, commendation: BasicCommendation) -> bool:
    return commendation.status == Status.DRAFT and can_write(user, commendation.org)


def can_annul(user: User, commendation: BasicCommendation) -> bool:
    return commendation.status != Status.ANNULLED and queries.covers(user, commendation.org, ANNUL_ROLES)


def can_annul_award(user: User, award: BasicAward) -> bool:
    c = award.commendation
    return (
        c.status in (Status.PUBLICITY, Status.ANNOUNCED)
        and not award.is_annulled
        and queries.covers(user, c.org, ANNUL_ROLES)
    )


# ----- the notice period -----


def publicity_end(commendation: BasicCommendation) -> datetime.date | None:
    """The last day of the 公示 (working days of the State Council's schedule counted from its first day);
    None before it opens, or while a year it reaches has no schedule entered (opening refuses that)."""
    return period_end_or_none(commendation.publicity_starts, commendation.publicity_working_days)


def publicity_open(commendation: BasicCommendation, day: datetime.date | None = None) -> bool:
    end = publicity_end(commendation)
    return commendation.status == Status.PUBLICITY and end is not None and (day or local_today()) <= end


def announce_error(commendation: BasicCommendation, day: datetime.date | None = None) -> str:
    """Why the results cannot be announced now ("" when they can)."""
    day = day or local_today()
    if commendation.status in (Status.ANNOUNCED, Status.ANNULLED):
        return _("本次表彰当前状态为“%(status)s”，不能公布") % {"status": commendation.get_status_display()}
    if commendation.publicity:
        if commendation.status == Status.DRAFT:
            return _("本次表彰选择了公示：请先开始公示，公示期满后再公布")
        end = publicity_end(commendation)
        if end is None:
            return _("公示期无法计算（节假日安排尚未录入），请联系省委组织部录入后再公布")
        if day <= end:
            return _("公示期至%(end)s结束，公示期满后才能公布表彰结果") % {"end": end.isoformat()}
    return ""


# ----- writes -----


def _check_fields(values: dict) -> None:
    errors = {}
    if "title" in values and not (values["title"] or "").strip():
        errors["title"] = _("请填写表彰名称")
    if "method" in values and not (values["method"] or "").strip():
        errors["method"] = _("请填写评选方式，如党员大会评选")
    year = values.get("year")
    if "year" in values and (year is None or not 1921 <= year <= local_today().year + 1):
        errors["year"] = _("请填写正确的年度")
    if "date" in values and values["date"] is None:
        errors["date"] = _("请填写表彰日期")
    days = values.get("publicity_working_days")
    if values.get("publicity") and (days is None or not 1 <= days <= MAX_PUBLICITY_DAYS):
        errors["publicity_working_days"] = _("公示期应为 1 至 %(n)s 个工作日") % {"n": MAX_PUBLICITY_DAYS}
    if errors:
        raise ValidationError(errors)


def _running_campaign(day: datetime.date):
    from campaign.services.timeline import current_campaign

    campaign = current_campaign(day)
    if campaign is not None and campaign.start_date <= day <= campaign.end_date:
        return campaign
    return None


def create_commendation(
    org: Org,
    *,
    by: User,
    title: str,
    year: int,
    date: datetime.date,
    method: str,
    publicity: bool = False,
    publicity_working_days: int = 5,
    publicity_contact: str = "",
    campaign=None,
) -> BasicCommendation:
    """A new round (draft) of the basic organization ``org``; its secretary only."""
    if not can_write(by, org):
        raise PermissionDenied
    if not org.is_basic:
        raise ValidationError({"org": _("只有基层党组织（党委、党总支、党支部）可以开展本组织的表彰")})
    values = {
        "title": title,
        "year": year,
        "date": date,
        "method": method,
        "publicity": publicity,
        "publicity_working_days": publicity_working_days,
    }
    _check_fields(values)
    return BasicCommendation.objects.create(
        org=org,
        org_path=org.path,
        campaign=campaign or _running_campaign(local_today()),
        title=title.strip(),
        year=year,
        date=date,
        method=method.strip(),
        publicity=bool(publicity),
        publicity_working_days=publicity_working_days or 5,
        publicity_contact=(publicity_contact or "").strip(),
        created_by=by,
    )


def _locked(commendation: BasicCommendation) -> BasicCommendation:
    return BasicCommendation.objects.select_for_update().select_related("org").get(pk=commendation.pk)


def _require_draft(commendation: BasicCommendation) -> None:
    if commendation.status != Status.DRAFT:
        raise ValidationError(
            _("本次表彰当前状态为“%(status)s”，不能再修改") % {"status": commendation.get_status_display()}
        )


def update_commendation(commendation: BasicCommendation, *, by: User, fields: dict) -> BasicCommendation:
    """Change a draft's fields (``EDITABLE_FIELDS`` only)."""
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    with transaction.atomic():
        commendation = _locked(commendation)
        if not is_system(by) and not can_write(by, commendation.org):
            raise PermissionDenied
        _require_draft(commendation)
        merged = {name: getattr(commendation, name) for name in EDITABLE_FIELDS} | fields
        _check_fields(merged)
        for name, value in fields.items():
            setattr(commendation, name, value.strip() if isinstance(value, str) else value)
        commendation.save(update_fields=[*fields, "updated_at"])
    return commendation


def add_award(
    commendation: BasicCommendation,
    member: Member,
    *,
    by: User,
    honour: str = DEFAULT_HONOUR,
    citation: str = "",
) -> BasicAward:
    """Add one of the organization's own members to a draft round."""
    with transaction.atomic():
        commendation = _locked(commendation)
        if not can_write(by, commendation.org):
            raise PermissionDenied
        _require_draft(commendation)
        if member.org_id != commendation.org_id:
            raise ValidationError(
                {
                    "member": _("只能表彰本组织的党员：%(name)s不是%(org)s的党员")
                    % {"name": member.name, "org": commendation.org.name}
                }
            )
        honour = (honour or "").strip() or DEFAULT_HONOUR
        duplicate = {"member": _("%(name)s已在本次表彰名单中") % {"name": member.name}}
        if commendation.awards.filter(member=member).exists():
            raise ValidationError(duplicate)
        try:
            with transaction.atomic():
                return BasicAward.objects.create(
                    commendation=commendation,
                    member=member,
                    member_name=member.name,
                    post=member.post,
                    honour=honour,
                    citation=(citation or "").strip(),
                )
        except IntegrityError:
            raise ValidationError(duplicate) from None


def remove_award(award: BasicAward, *, by: User) -> None:
    """Take a member off a draft round (before anything is public; the history keeps the row)."""
    with transaction.atomic():
        commendation = _locked(award.commendation)
        if not can_write(by, commendation.org):
            raise PermissionDenied
        _require_draft(commendation)
        award.delete()


def open_publicity(
    commendation: BasicCommendation, *, by: User, today: datetime.date | None = None
) -> BasicCommendation:
    """Start the 公示 the organization chose: the public page lists the names from today.

    Its period is counted on the State Council's holiday schedule: refused, naming the year, when it
    reaches a year whose schedule is not entered. Once open, nothing about the 公示 can be changed."""
    day = today or local_today()
    with transaction.atomic():
        commendation = _locked(commendation)
        if not can_write(by, commendation.org):
            raise PermissionDenied
        if not commendation.publicity:
            raise ValidationError(_("本次表彰未选择公示，可直接公布"))
        _require_draft(commendation)
        if not commendation.awards.exists():
            raise ValidationError(_("请先添加表彰对象"))
        working_period_end(day, commendation.publicity_working_days)  # ScheduleMissing names the year
        commendation.status = Status.PUBLICITY
        commendation.publicity_starts = day
        commendation.save(update_fields=["status", "publicity_starts", "updated_at"])
    return commendation


def announce(commendation: BasicCommendation, *, by: User, today: datetime.date | None = None) -> BasicCommendation:
    """Announce the results: they appear on each member's record; the milestone "基层表彰" is marked done."""
    day = today or local_today()
    with transaction.atomic():
        commendation = _locked(commendation)
        if not can_write(by, commendation.org):
            raise PermissionDenied
        error = announce_error(commendation, day)
        if error:
            raise ValidationError(error)
        if not commendation.awards.filter(annulled_at__isnull=True).exists():
            raise ValidationError(_("请先添加表彰对象"))
        campaign = commendation.campaign or _running_campaign(day)
        commendation.status = Status.ANNOUNCED
        commendation.announced_at = timezone.now()
        commendation.announced_by = by
        commendation.campaign = campaign
        commendation.save(update_fields=["status", "announced_at", "announced_by", "campaign", "updated_at"])
        if campaign is not None:
            from campaign.services.timeline import mark_done

            mark_done(campaign, MILESTONE, commendation.org, by=by, note=commendation.title[:200])
    return commendation


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请填写撤销原因")})
    return reason


def annul_commendation(commendation: BasicCommendation, *, by: User, reason: str) -> BasicCommendation:
    """The 组织部 above annuls a whole round; the reason is kept and the rows stay."""
    reason = _reason(reason)
    with transaction.atomic():
        commendation = _locked(commendation)
        if not queries.covers(by, commendation.org, ANNUL_ROLES):
            raise PermissionDenied
        if commendation.status == Status.ANNULLED:
            raise ValidationError(_("本次表彰已撤销"))
        commendation.status = Status.ANNULLED
        commendation.annulled_reason = reason
        commendation.annulled_at = timezone.now()
        commendation.annulled_by = by
        commendation.save(update_fields=["status", "annulled_reason", "annulled_at", "annulled_by", "updated_at"])
    return commendation


def annul_award(award: BasicAward, *, by: User, reason: str) -> BasicAward:
    """The 组织部 above annuls one member's honour; the reason is kept and the row stays."""
    reason = _reason(reason)
    with transaction.atomic():
        commendation = _locked(award.commendation)
        award = BasicAward.objects.select_for_update().get(pk=award.pk)
        award.commendation = commendation
        if not queries.covers(by, commendation.org, ANNUL_ROLES):
            raise PermissionDenied
        if not can_annul_award(by, award):
            raise ValidationError(_("该表彰当前不能撤销"))
        award.annulled_reason = reason
        award.annulled_at = timezone.now()
        award.annulled_by = by
        award.save(update_fields=["annulled_reason", "annulled_at", "annulled_by"])
    return award


def check_cited_honours(nominee, honours) -> list[BasicAward]:
    """The honours a nomination may cite: the nominee member's own standing ones (ValidationError otherwise).

    "基层党组织也要采取适当方式对优秀共产党员进行表彰奖励" (seed, part 四.(二)): a basic honour can support a
    higher nomination, but only the nominee's own, announced and not annulled.
    """
    from ..queries.basic import current_honours

    pks = {h.pk for h in honours}
    if not pks:
        return []
    if not isinstance(nominee, Member):
        raise ValidationError({"cited_honours": _("只有推荐党员个人时才能引用基层表彰")})
    found = list(current_honours().filter(pk__in=pks, member=nominee))
    if len(found) != len(pks):
        raise ValidationError({"cited_honours": _("只能引用被推荐党员本人已公布的基层表彰")})
    return found
