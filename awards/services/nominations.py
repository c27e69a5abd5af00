"""Nominations, bottom-up and level by level (自下而上、层层推荐).

"评选表彰对象要注重工作实绩和社会公认度，采取自下而上、层层推荐的方式产生。" (seed, part 四)

A basic organization's secretary nominates an organization (itself or one below it), a member of its
subtree, or a party worker (a member nominated as 优秀党务工作者). The nomination then sits at the
nearest level above (乡镇 → 县 → 市 → 省, the non-basic ancestors up to the round's owner); each level
forwards it — counting against that level's quota of the category — or rejects it with a note. At the
owner, "forward" puts it on the list (拟表彰). The owner's 组织部 records the discipline-inspection
opinion (征求纪检机关意见) before 公示 (awards.services.publicity). Withdrawal is recorded, not deleted.
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from campaign.services.inbox import mark_read_about
from orgs import queries
from orgs.enums import OrgLevel, Role
from orgs.models import Member, Org, User

from .. import rules
from ..enums import CategoryCode, NomineeKind
from ..models import AwardCategory, AwardRound, Nomination, NominationStep, Quota
from .quotas import forwarded_counts
from .rounds import nomination_window_error, review_window_error
from .rounds import today as local_today

NOMINATE_ROLES = frozenset({Role.SECRETARY, Role.ORG_DEPARTMENT})
REVIEW_ROLES = frozenset({Role.ORG_DEPARTMENT})
CITY_DEPTH = 2
Status = Nomination.Status
Action = NominationStep.Action
WITHDRAWABLE = [Status.PENDING, Status.SHORTLISTED]


def final_list(award_round: AwardRound) -> QuerySet[Nomination]:
    """The approved nominations of a round, in the order of the decision's list.

    Ordered by city (the nominee's depth-2 ancestor, by path), category order, then nominee name.
    Each row carries ``nominee_name``, ``unit``, ``post``, ``city_name`` and ``category``.
    """
    return (
        Nomination.objects.filter(award_round=award_round, status=Status.APPROVED)
        .select_related("category", "city", "nominee_org", "nominee_member", "nominee_member__org")
        .order_by("city__path", "category__order", "nominee_name", "id")
    )


# ----- the chain of levels -----


def _reviewing_ancestor(org: Org, owner: Org) -> Org | None:
    """The nearest non-basic strict ancestor of ``org`` inside the owner's subtree (None above the owner)."""
    paths = [p for p in org.ancestor_paths(include_self=False) if p.startswith(owner.path)]
    return Org.objects.filter(path__in=paths).exclude(level=OrgLevel.BASIC).order_by("-depth").first()


def first_holder(nominating_org: Org, owner: Org) -> Org | None:
    """Where a new nomination goes first: the nominating node itself when it is a level (a city
    nominating a 先进县(市、区)委), else the nearest level above it."""
    if nominating_org.level != OrgLevel.BASIC:
        return nominating_org
    return _reviewing_ancestor(nominating_org, owner)


def next_holder(nomination: Nomination) -> Org | None:
    """The level above the current one (None at the owner)."""
    owner = nomination.award_round.owner_org
    if nomination.current_org_id == owner.pk:
        return None
    return _reviewing_ancestor(nomination.current_org, owner)


def city_of(org: Org) -> Org | None:
    """The depth-2 ancestor (the city, or a provincial system committee) of ``org``."""
    if org.depth < CITY_DEPTH:
        return None
    if org.depth == CITY_DEPTH:
        return org
    return Org.objects.filter(path=org.path[: Org.steplen * CITY_DEPTH]).first()


# ----- permissions (no query) -----


def can_nominate(user: User, org: Org) -> bool:
    return queries.covers(user, org, NOMINATE_ROLES)


def can_review(user: User, nomination: Nomination) -> bool:
    return nomination.status == Status.PENDING and queries.covers(user, nomination.current_org, REVIEW_ROLES)


def can_withdraw(user: User, nomination: Nomination) -> bool:
    return nomination.status in WITHDRAWABLE and queries.covers(user, nomination.nominating_org, NOMINATE_ROLES)


def can_manage_list(user: User, award_round: AwardRound) -> bool:
    """The owner's 组织部: 纪检 opinions, 公示, objections, final approval."""
    return queries.covers(user, award_round.owner_org, REVIEW_ROLES)


# ----- writes -----


def _step(nomination: Nomination, org: Org, action: str, *, by: User | None, note: str = "") -> NominationStep:
    return NominationStep.objects.create(nomination=nomination, org=org, action=action, note=note, by=by)


def _holder_users(org: Org):
    return User.objects.filter(is_active=True, assignments__org=org, assignments__role=Role.ORG_DEPARTMENT).distinct()


def _notify_holder(nomination_id: int) -> None:
    """Tell the 组织部 of the level now holding a nomination (after commit; best effort)."""
    from campaign.services.notifications import notify

    nomination = (
        Nomination.objects.select_related("current_org", "category", "award_round")
        .filter(pk=nomination_id, status=Status.PENDING)
        .first()
    )
    if nomination is None:
        return
    notify(
        _holder_users(nomination.current_org),
        title=_("待审核推荐：%(name)s（%(category)s）")
        % {"name": nomination.nominee_name, "category": nomination.category},
        body=_("%(round)s：请审核上报或不予上报。") % {"round": nomination.award_round.name},
        url=reverse("awards:nomination_detail", args=[nomination.pk]),
    )


def _check_nominee(category: AwardCategory, nominating_org: Org, nominee) -> None:
    """The nominee fits the category and lies in the nominating organization's subtree."""
    if category.nominee_kind == NomineeKind.ORG and not isinstance(nominee, Org):
        raise ValidationError({"nominee": _("“%(category)s”应推荐党组织") % {"category": category}})
    if category.nominee_kind == NomineeKind.MEMBER and not isinstance(nominee, Member):
        raise ValidationError({"nominee": _("“%(category)s”应推荐党员个人") % {"category": category}})
    if category.code == CategoryCode.ADVANCED_COUNTY:
        # "抓创先争优活动成绩显著的先进县(市、区)委": county committees, put forward by the level above.
        if nominee.level != OrgLevel.COUNTY:
            raise ValidationError({"nominee": _("“先进县(市、区)委”只能推荐县(市、区)委")})
        if nominating_org.level == OrgLevel.BASIC or not (
            nominee.path.startswith(nominating_org.path) and nominee.path != nominating_org.path
        ):
            raise ValidationError({"nominee": _("“先进县(市、区)委”由其上级党委（市委）推荐")})
        return
    if nominating_org.level != OrgLevel.BASIC:
        raise ValidationError({"nominee": _("“%(category)s”由基层党组织推荐") % {"category": category}})
    if isinstance(nominee, Org):
        if nominee.level != OrgLevel.BASIC or not nominee.path.startswith(nominating_org.path):
            raise ValidationError({"nominee": _("只能推荐本组织或所属的基层党组织")})
        if not nominee.active:
            raise ValidationError({"nominee": _("该组织已撤销")})
    elif not nominee.org_path.startswith(nominating_org.path):
        raise ValidationError({"nominee": _("只能推荐本组织（含所属党支部）的党员")})


def nominate(
    award_round: AwardRound,
    category: AwardCategory,
    *,
    nominating_org: Org,
    nominee: Org | Member,
    deeds: str,
    files=(),
    by: User,
    today: datetime.date | None = None,
    cited_honours=(),
) -> Nomination:
    """A new nomination with its 事迹材料 and attachments, sent to the first level above.

    Refused when the nominee breaks a rule of ``awards.rules`` (预备党员 as 优秀共产党员, nominated twice in
    the round, a 纪检 objection in the round)."""
    day = today or local_today()
    if category.award_round_id != award_round.pk:
        raise ValidationError({"category": _("该类别不属于本轮表彰")})
    roles = REVIEW_ROLES if category.code == CategoryCode.ADVANCED_COUNTY else NOMINATE_ROLES
    if not queries.covers(by, nominating_org, roles):
        raise PermissionDenied
    window = nomination_window_error(award_round, day)
    if window:
        raise ValidationError(window)
    owner = award_round.owner_org
    if (
        not nominating_org.path.startswith(owner.path)
        or nominating_org.pk == owner.pk
        and (category.code != CategoryCode.ADVANCED_COUNTY)
    ):
        raise ValidationError(_("本组织不在“%(owner)s”的表彰范围内") % {"owner": owner.name})
    _check_nominee(category, nominating_org, nominee)
    if cited_honours:
        from .basic import check_cited_honours

        cited_honours = check_cited_honours(nominee, cited_honours)
    if not (deeds or "").strip():
        raise ValidationError({"deeds": _("请填写事迹材料")})
    holder = first_holder(nominating_org, owner)
    if holder is None:
        raise ValidationError(_("找不到上级审核单位"))
    is_member = isinstance(nominee, Member)
    if is_member:
        nominee_org = nominee.org
        fields = {"nominee_member": nominee, "nominee_name": nominee.name, "unit": nominee.org.name}
        fields["post"] = nominee.post
    else:
        nominee_org = nominee
        parent = Org.objects.filter(path=nominee.path[: -Org.steplen]).first() if nominee.depth > 1 else None
        unit_org = parent or nominee
        fields = {"nominee_org": nominee, "nominee_name": nominee.name, "unit": unit_org.name, "post": ""}
    subject = rules.Subject(award_round, category, nominee)
    rules.check(subject, stage=rules.Stage.NOMINATE)
    try:
        with transaction.atomic():
            nomination = Nomination.objects.create(
                award_round=award_round,
                category=category,
                city=city_of(nominee_org),
                nominating_org=nominating_org,
                origin_path=nominating_org.path,
                current_org=holder,
                deeds=deeds.strip(),
                created_by=by,
                **fields,
            )
            _step(nomination, nominating_org, Action.NOMINATE, by=by)
            if cited_honours:
                nomination.cited_honours.set(cited_honours)
            if files:
                from campaign.services.attachments import attach_files

                attach_files(nomination, files, org=nominating_org, by=by)
            transaction.on_commit(lambda: _notify_holder(nomination.pk))
    except IntegrityError:
        # Another request nominated the same nominee in between: the rule now says so.
        rules.check(subject, stage=rules.Stage.NOMINATE)
        raise
    return nomination


def _locked(nomination: Nomination) -> Nomination:
    """Reload the nomination with a row lock; its status decides what may happen next."""
    return (
        Nomination.objects.select_for_update()
        .select_related("award_round__owner_org", "current_org", "category", "nominating_org")
        .get(pk=nomination.pk)
    )


def quota_message(category: AwardCategory, quota: int, used: int) -> str:
    return _("本级“%(category)s”名额 %(quota)s 个，已上报 %(used)s 个，剩余 %(left)s 个，名额已用完，不能再上报") % {
        "category": category,
        "quota": quota,
        "used": used,
        "left": max(quota - used, 0),
    }


def forward(nomination: Nomination, *, by: User, note: str = "", today: datetime.date | None = None) -> Nomination:
    """The level holding the nomination sends it up (at the owner: onto the list), within its quota."""
    day = today or local_today()
    with transaction.atomic():
        nomination = _locked(nomination)
        if nomination.status != Status.PENDING:
            raise ValidationError(
                _("该推荐当前状态为“%(status)s”，不能上报") % {"status": nomination.get_status_display()}
            )
        level = nomination.current_org
        if not queries.covers(by, level, REVIEW_ROLES):
            raise PermissionDenied
        window = review_window_error(nomination.award_round, day)
        if window:
            raise ValidationError(window)
        rules.check(rules.subject_of(nomination), stage=rules.Stage.FORWARD)
        # Lock the level's quota row so two forwards at once cannot both take the last place.
        quota_row = Quota.objects.select_for_update().filter(category=nomination.category, org=level).first()
        quota = quota_row.amount if quota_row else 0
        used = forwarded_counts(nomination.award_round, [level]).get((level.pk, nomination.category_id), 0)
        if used >= quota:
            raise ValidationError({"category": quota_message(nomination.category, quota, used)})
        _step(nomination, level, Action.FORWARD, by=by, note=note.strip())
        mark_read_about(by, reverse("awards:nomination_detail", args=[nomination.pk]))  # 待审核推荐
        above = next_holder(nomination)
        if above is None:
            nomination.status = Status.SHORTLISTED
            nomination.save(update_fields=["status", "updated_at"])
        else:
            nomination.current_org = above
            nomination.save(update_fields=["current_org", "updated_at"])
            transaction.on_commit(lambda: _notify_holder(nomination.pk))
    return nomination


def reject(nomination: Nomination, *, by: User, note: str, today: datetime.date | None = None) -> Nomination:
    """The level holding the nomination does not forward it; the reason is required and kept."""
    if not (note or "").strip():
        raise ValidationError({"note": _("请填写不予上报的理由")})
    day = today or local_today()
    with transaction.atomic():
        nomination = _locked(nomination)
        if nomination.status not in (Status.PENDING, Status.SHORTLISTED):
            raise ValidationError(
                _("该推荐当前状态为“%(status)s”，不能退回") % {"status": nomination.get_status_display()}
            )
        if not queries.covers(by, nomination.current_org, REVIEW_ROLES):
            raise PermissionDenied
        if nomination.status == Status.PENDING:
            window = review_window_error(nomination.award_round, day)
            if window:
                raise ValidationError(window)
        _step(nomination, nomination.current_org, Action.REJECT, by=by, note=note.strip())
        mark_read_about(by, reverse("awards:nomination_detail", args=[nomination.pk]))  # 待审核推荐
        nomination.status = Status.REJECTED
        nomination.save(update_fields=["status", "updated_at"])
    return nomination


def withdraw(nomination: Nomination, *, by: User, note: str = "") -> Nomination:
    """The nominating organization takes its nomination back (before 公示). The row stays, with a step;
    the nominee's place in the category is free again."""
    with transaction.atomic():
        nomination = _locked(nomination)
        if not queries.covers(by, nomination.nominating_org, NOMINATE_ROLES):
            raise PermissionDenied
        if nomination.status not in WITHDRAWABLE:
            raise ValidationError(
                _("该推荐当前状态为“%(status)s”，不能撤回") % {"status": nomination.get_status_display()}
            )
        _step(nomination, nomination.nominating_org, Action.WITHDRAW, by=by, note=(note or "").strip())
        nomination.status = Status.WITHDRAWN
        nomination.save(update_fields=["status", "updated_at"])
    return nomination


def record_discipline(nomination: Nomination, *, by: User, result: str, note: str, date: datetime.date) -> Nomination:
    """征求纪检机关意见: the owner's 组织部 records the opinion (无异议 / 有问题) of a listed nominee.
    A nominee with 有问题 cannot go to 公示."""
    if result not in (Nomination.Discipline.CLEAR, Nomination.Discipline.PROBLEM):
        raise ValidationError({"result": _("请选择纪检机关意见")})
    if result == Nomination.Discipline.PROBLEM and not (note or "").strip():
        raise ValidationError({"note": _("纪检机关意见为“有问题”时，请填写具体意见")})
    with transaction.atomic():
        nomination = _locked(nomination)
        if not can_manage_list(by, nomination.award_round):
            raise PermissionDenied
        if nomination.status != Status.SHORTLISTED:
            raise ValidationError(_("只有拟表彰对象（公示前）可以记录纪检机关意见"))
        nomination.discipline_result = result
        nomination.discipline_note = (note or "").strip()
        nomination.discipline_date = date
        nomination.save(update_fields=["discipline_result", "discipline_note", "discipline_date", "updated_at"])
        label = Nomination.Discipline(result).label
        _step(nomination, nomination.award_round.owner_org, Action.DISCIPLINE, by=by, note=f"{label} {note}".strip())
    return nomination
