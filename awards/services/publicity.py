"""公示 and objections, then the final approval of the list by the round's owner.

"评选表彰对象要注重工作实绩和社会公认度" (seed, part 四): before the decision, the list is made public
for a notice period (5 working days by default, counted with awards.services.workdays); anyone may
object during it, and each objection is handled by the owner's 组织部 with a recorded outcome. A
candidate whose objection is upheld leaves the list, with the reason kept.
"""

import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from orgs import ratelimit
from orgs.models import User
from orgs.validators import validate_mobile

from ..models import AwardRound, Nomination, NominationStep, Objection
from .nominations import can_manage_list
from .rounds import MILESTONE_BY_KIND, publicity_end
from .rounds import today as local_today

Status = Nomination.Status
Action = NominationStep.Action


class PublicityState:
    NOT_STARTED = "not_started"
    OPEN = "open"
    ENDED = "ended"


def publicity_state(award_round: AwardRound, day: datetime.date | None = None) -> str:
    day = day or local_today()
    if day < award_round.publicity_starts:
        return PublicityState.NOT_STARTED
    if day > publicity_end(award_round):
        return PublicityState.ENDED
    return PublicityState.OPEN


def public_candidates(award_round: AwardRound):
    """What the public page lists: name, unit, post and category — nothing personal."""
    return (
        Nomination.objects.filter(award_round=award_round, status=Status.PUBLICITY)
        .select_related("category", "city")
        .only("nominee_name", "unit", "post", "category__code", "category__order", "city__name", "city__path")
        .order_by("city__path", "category__order", "nominee_name", "id")
    )


def _bulk_steps(nominations, org, action, *, by, note="") -> None:
    NominationStep.objects.bulk_create(
        NominationStep(nomination=n, org=org, action=action, by=by, note=note) for n in nominations
    )


def start_publicity(award_round: AwardRound, *, by: User, today: datetime.date | None = None) -> int:
    """Put every listed nominee whose 纪检 opinion is 无异议 into 公示; returns how many.

    Refused while a listed nominee has no opinion yet; nominees with 有问题 stay off the 公示.
    The 公示 begins on the day it is started (``publicity_starts`` records it) and lasts its full period.
    """
    if not can_manage_list(by, award_round):
        raise PermissionDenied
    day = today or local_today()
    with transaction.atomic():
        award_round = AwardRound.objects.select_for_update().get(pk=award_round.pk)
        listed = Nomination.objects.select_for_update().filter(award_round=award_round, status=Status.SHORTLISTED)
        listed = list(listed)
        missing = [n for n in listed if not n.discipline_result]
        if missing:
            raise ValidationError(_("还有 %(n)s 个拟表彰对象未征求纪检机关意见，不能进入公示") % {"n": len(missing)})
        ready = [n for n in listed if n.discipline_result == Nomination.Discipline.CLEAR]
        if not ready:
            raise ValidationError(_("没有可以公示的拟表彰对象（纪检机关意见为“无异议”的）"))
        if day > award_round.decision_date:
            raise ValidationError(_("表彰决定日期已过，请先修改轮次的日期"))
        if day != award_round.publicity_starts:
            # The 公示 runs from the day it is actually started, for its full period.
            award_round.publicity_starts = day
            award_round.save(update_fields=["publicity_starts"])
        for n in ready:
            n.status = Status.PUBLICITY
        bulk_update_with_history(ready, Nomination, ["status"])
        _bulk_steps(ready, award_round.owner_org, Action.PUBLICIZE, by=by)
    return len(ready)


# ----- objections -----


def objection_rate() -> tuple[int, int]:
    """(how many objections, per how many seconds) one address may submit: AWARDS_OBJECTION_RATE."""
    return getattr(settings, "AWARDS_OBJECTION_RATE", (5, 3600))


def rate_limit_key(ip: str) -> str:
    return ratelimit.address_key("awards-objection-rl:", ip)


def rate_limited(ip: str) -> bool:
    """Count one submission from ``ip``; True once it is over the limit inside the window."""
    limit, seconds = objection_rate()
    return ratelimit.hit(rate_limit_key(ip), limit=limit, window=seconds)


def file_objection(
    nomination: Nomination, *, content: str, name: str = "", phone: str = "", today: datetime.date | None = None
) -> Objection:
    """An objection from the public page, during the 公示 only."""
    nomination = Nomination.objects.select_related("award_round").get(pk=nomination.pk)
    award_round = nomination.award_round
    if publicity_state(award_round, today) != PublicityState.OPEN or nomination.status != Status.PUBLICITY:
        raise ValidationError(_("公示期外不能提出异议"))
    content, name, phone = (content or "").strip(), (name or "").strip(), (phone or "").strip()
    errors = {}
    if not content:
        errors["content"] = _("请填写异议内容")
    if award_round.objection_requires_identity:
        if not name:
            errors["name"] = _("请填写真实姓名")
        if not phone:
            errors["phone"] = _("请填写联系电话")
    if phone and "phone" not in errors:
        try:
            validate_mobile(phone)
        except ValidationError as error:
            errors["phone"] = error.messages[0]
    if errors:
        raise ValidationError(errors)
    return Objection.objects.create(nomination=nomination, content=content, name=name, phone=phone)


def handle_objection(objection: Objection, *, by: User, upheld: bool, note: str) -> Objection:
    """The owner's 组织部 records the outcome; upheld → the candidate leaves the list (reason kept)."""
    if not (note or "").strip():
        raise ValidationError({"note": _("请填写处理结果")})
    note = note.strip()
    with transaction.atomic():
        objection = Objection.objects.select_for_update().select_related("nomination__award_round").get(pk=objection.pk)
        nomination = objection.nomination
        award_round = nomination.award_round
        if not can_manage_list(by, award_round):
            raise PermissionDenied
        if objection.status != Objection.Status.PENDING:
            raise ValidationError(_("该异议已处理"))
        objection.status = Objection.Status.UPHELD if upheld else Objection.Status.REJECTED
        objection.outcome = note
        objection.handled_by = by
        objection.handled_at = timezone.now()
        objection.save(update_fields=["status", "outcome", "handled_by", "handled_at"])
        if upheld and nomination.status in (Status.PUBLICITY, Status.APPROVED):
            nomination = Nomination.objects.select_for_update().get(pk=nomination.pk)
            nomination.status = Status.REMOVED
            nomination.removed_reason = note
            nomination.save(update_fields=["status", "removed_reason", "updated_at"])
            NominationStep.objects.create(
                nomination=nomination, org=award_round.owner_org, action=Action.REMOVE, by=by, note=note
            )
    return objection


# ----- final approval -----


def approval_error(award_round: AwardRound, day: datetime.date | None = None) -> str:
    """Why the list cannot be approved on ``day`` ('' when it can)."""
    day = day or local_today()
    if not Nomination.objects.filter(award_round=award_round, status=Status.PUBLICITY).exists():
        return _("没有公示中的对象，不能审定名单")
    end = publicity_end(award_round)
    if day <= end:
        return _("公示期至 %(end)s 结束，期满后方可审定名单") % {"end": end.isoformat()}
    pending = Objection.objects.filter(nomination__award_round=award_round, status=Objection.Status.PENDING).count()
    if pending:
        return _("还有 %(n)s 条异议未处理，处理后方可审定名单") % {"n": pending}
    return ""


def approve_list(award_round: AwardRound, *, by: User, today: datetime.date | None = None) -> int:
    """The owner approves the list after the 公示: every candidate still in 公示 is commended."""
    if not can_manage_list(by, award_round):
        raise PermissionDenied
    with transaction.atomic():
        award_round = AwardRound.objects.select_for_update().select_related("owner_org").get(pk=award_round.pk)
        error = approval_error(award_round, today)
        if error:
            raise ValidationError(error)
        rows = list(Nomination.objects.select_for_update().filter(award_round=award_round, status=Status.PUBLICITY))
        for n in rows:
            n.status = Status.APPROVED
        bulk_update_with_history(rows, Nomination, ["status"])
        _bulk_steps(rows, award_round.owner_org, Action.APPROVE, by=by)
        code = MILESTONE_BY_KIND.get(award_round.kind)
        if award_round.campaign_id and code:
            from campaign.services.timeline import mark_done

            mark_done(award_round.campaign, code, award_round.owner_org, by=by)
    return len(rows)
