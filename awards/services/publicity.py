"""公示 and objections, then the final approval of the list by the round's owner.

"评选表彰对象要注重工作实绩和社会公认度" (seed, part 四): before the decision, the list is made public
for a notice period (5 working days by default, never fewer, counted with awards.services.workdays on
the State Council's holiday schedule); anyone may object during it, and each objection is handled by the
owner's 组织部 with a recorded outcome. A candidate whose objection is upheld leaves the list, with the
reason kept.

Once the 公示 has started it cannot be shortened: its start date is fixed and its end only moves later
(``extend_publicity``, with who and why kept in ``PublicityChange`` and the round's history). Candidates
added to a running 公示 get the full period too: the end moves later for them when needed.
"""

import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from common.history import save_as
from orgs import ratelimit
from orgs.models import User
from orgs.validators import validate_mobile

from .. import rules
from ..models import AwardRound, Nomination, NominationStep, Objection, PublicityChange
from .nominations import can_manage_list
from .rounds import MILESTONE_BY_KIND, MIN_PUBLICITY_WORKING_DAYS, publicity_end, shown_publicity_end
from .rounds import today as local_today
from .workdays import is_working_day, working_days_between, working_period_end

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
    end = shown_publicity_end(award_round)
    if end is None:
        # The period reaches a year without a holiday schedule: a 公示 that never started stays "not
        # started" (start_publicity refuses it); one that did start is open until the end can be counted.
        return PublicityState.OPEN if award_round.publicity_started else PublicityState.NOT_STARTED
    if day > end:
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
    bulk_create_with_history(
        [NominationStep(nomination=n, org=org, action=action, by=by, note=note) for n in nominations],
        NominationStep,
        default_user=by,
    )


def _record_change(award_round: AwardRound, *, old_end, new_end, old_days: int, by: User, reason: str) -> None:
    PublicityChange.objects.create(
        award_round=award_round,
        old_end=old_end,
        new_end=new_end,
        old_working_days=old_days,
        new_working_days=award_round.publicity_working_days,
        reason=reason,
        by=by,
    )


def start_publicity(award_round: AwardRound, *, by: User, today: datetime.date | None = None) -> int:
    """Put every listed nominee whose 纪检 opinion is 无异议 into 公示; returns how many.

    Refused while a listed nominee has no opinion yet; nominees with 有问题 stay off the 公示.
    The 公示 begins on the day it is first started (``publicity_starts`` records it, and is fixed from
    then on) and lasts its full period, counted on the holiday schedule (refused, naming the year, when
    the period reaches a year whose schedule is not entered). Started again while it runs, it adds the
    newly cleared nominees and moves the end later when they would otherwise get less than the period.
    """
    if not can_manage_list(by, award_round):
        raise PermissionDenied
    day = today or local_today()
    with transaction.atomic():
        award_round = AwardRound.objects.select_for_update().get(pk=award_round.pk)
        listed = Nomination.objects.select_for_update(of=("self",)).filter(
            award_round=award_round, status=Status.SHORTLISTED
        )
        listed = list(listed.select_related("category", "nominee_member", "nominee_org"))
        missing = [n for n in listed if not n.discipline_result]
        if missing:
            raise ValidationError(_("还有 %(n)s 个拟表彰对象未征求纪检机关意见，不能进入公示") % {"n": len(missing)})
        ready = [n for n in listed if n.discipline_result == Nomination.Discipline.CLEAR]
        if not ready:
            raise ValidationError(_("没有可以公示的拟表彰对象（纪检机关意见为“无异议”的）"))
        if day > award_round.decision_date:
            raise ValidationError(_("表彰决定日期已过，请先修改轮次的日期"))
        rules.check_all(ready, stage=rules.Stage.PUBLICITY, award_round=award_round)
        n = award_round.publicity_working_days
        needed_end = working_period_end(day, n)  # ScheduleMissing names the year without a schedule
        if not award_round.publicity_started:
            award_round.publicity_starts = day
            award_round.publicity_started_at = timezone.now()
            award_round._change_reason = _("开始公示")
            save_as(award_round, by=by, update_fields=["publicity_starts", "publicity_started_at"])
        else:
            start = award_round.publicity_starts
            end = publicity_end(award_round)
            if day < start:
                raise ValidationError(_("公示定于 %(start)s 开始，不能提前") % {"start": start.isoformat()})
            if day > end:
                raise ValidationError(_("本轮公示已于 %(end)s 结束，不能再增加公示对象") % {"end": end.isoformat()})
            if needed_end > end:
                award_round.publicity_working_days = working_days_between(start, needed_end)
                reason = _("新增 %(count)s 个公示对象，公示期顺延至 %(end)s，保证每个对象公示满 %(n)s 个工作日") % {
                    "count": len(ready),
                    "end": needed_end.isoformat(),
                    "n": n,
                }
                award_round._change_reason = reason
                save_as(award_round, by=by, update_fields=["publicity_working_days"])
                _record_change(award_round, old_end=end, new_end=needed_end, old_days=n, by=by, reason=reason)
        for nomination in ready:
            nomination.status = Status.PUBLICITY
        bulk_update_with_history(ready, Nomination, ["status"])
        _bulk_steps(ready, award_round.owner_org, Action.PUBLICIZE, by=by)
    return len(ready)


def extend_publicity(
    award_round: AwardRound, *, by: User, new_end: datetime.date, reason: str, today: datetime.date | None = None
) -> AwardRound:
    """Move the end of a running 公示 later, with the reason kept (``PublicityChange`` and history).

    The end never moves earlier, never below the start plus the minimum of 5 working days, and lands on
    a working day of the State Council's schedule (so the period is a whole number of working days).
    """
    if not can_manage_list(by, award_round):
        raise PermissionDenied
    day = today or local_today()
    reason = (reason or "").strip()
    errors = {}
    if not reason:
        errors["reason"] = _("请填写延长公示期的原因")
    if new_end is None:
        errors["new_end"] = _("请填写新的公示结束日期")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        award_round = AwardRound.objects.select_for_update().get(pk=award_round.pk)
        if not award_round.publicity_started:
            raise ValidationError({"new_end": _("公示尚未开始：请在修改轮次时调整公示开始日期和公示期（工作日）")})
        start, old_days = award_round.publicity_starts, award_round.publicity_working_days
        old_end = publicity_end(award_round)
        if day > old_end:
            raise ValidationError({"new_end": _("公示已于 %(end)s 结束，不能再调整") % {"end": old_end.isoformat()}})
        minimum = working_period_end(start, MIN_PUBLICITY_WORKING_DAYS)
        if new_end < minimum:
            raise ValidationError(
                {
                    "new_end": _(
                        "公示期不得少于 %(n)s 个工作日：自 %(start)s 起至少到 %(minimum)s（按国务院节假日安排计算）"
                    )
                    % {"n": MIN_PUBLICITY_WORKING_DAYS, "start": start.isoformat(), "minimum": minimum.isoformat()}
                }
            )
        if new_end <= old_end:
            raise ValidationError(
                {
                    "new_end": _("公示开始后结束日期只能推后，不能提前或不变（现定于 %(end)s 结束）")
                    % {"end": old_end.isoformat()}
                }
            )
        if new_end >= award_round.decision_date:
            raise ValidationError(
                {
                    "new_end": _("公示须在表彰决定日期（%(date)s）之前结束，请先修改轮次的表彰决定日期")
                    % {"date": award_round.decision_date.isoformat()}
                }
            )
        try:
            working = is_working_day(new_end)
        except ValidationError as missing:
            raise ValidationError({"new_end": missing.messages}) from None
        if not working:
            raise ValidationError(
                {
                    "new_end": _("%(day)s 不是工作日（按国务院节假日安排），公示应在工作日结束")
                    % {"day": new_end.isoformat()}
                }
            )
        award_round.publicity_working_days = working_days_between(start, new_end)
        award_round._change_reason = reason
        save_as(award_round, by=by, update_fields=["publicity_working_days"])
        _record_change(award_round, old_end=old_end, new_end=new_end, old_days=old_days, by=by, reason=reason)
    return award_round


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
        rows = list(
            Nomination.objects.select_for_update(of=("self",))
            .filter(award_round=award_round, status=Status.PUBLICITY)
            .select_related("category", "nominee_member", "nominee_org")
        )
        rules.check_all(rows, stage=rules.Stage.DECISION, award_round=award_round)
        for n in rows:
            n.status = Status.APPROVED
        bulk_update_with_history(rows, Nomination, ["status"])
        _bulk_steps(rows, award_round.owner_org, Action.APPROVE, by=by)
        code = MILESTONE_BY_KIND.get(award_round.kind)
        if award_round.campaign_id and code:
            from campaign.services.timeline import mark_done

            mark_done(award_round.campaign, code, award_round.owner_org, by=by)
    return len(rows)
