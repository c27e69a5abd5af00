"""Every write of supervision (督促检查): inspections, remarks, rectification orders, leading groups, contact points.

"加强督促检查。……上级党组织负责人要对基层党组织和党员开展创先争优活动情况适时进行点评……
对思想不重视、工作不得力的，要求限期整改。" (seed, part 五)

Permission: PermissionDenied when the acting user may not act at all; a Chinese ValidationError when the
rule of the seed refuses the action (remark on one's own node, verifying an order not yet answered …).
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from common.history import delete_as, insert_once, save_as, save_changes
from orgs import queries
from orgs.enums import OrgLevel
from orgs.models import Org, User

from ..models import (
    ContactPoint,
    ContactVisit,
    GuidanceGroup,
    Inspection,
    InspectionMethod,
    LeadingGroup,
    LeadingGroupMember,
    RectificationOrder,
    RectificationResponse,
    Remark,
)
from ..queries import supervision as sq
from .attachments import attach_files
from .guidance import check_acting_as
from .inbox import mark_read_about
from .notifications import notify

# "各级党委也要成立活动领导小组" (seed, part 五): every committee level — province, the 省直 system committees,
# cities, counties and the township committees (乡镇党委、街道党工委).
GROUP_LEVELS = (OrgLevel.PROVINCE, OrgLevel.PROVINCIAL, OrgLevel.CITY, OrgLevel.COUNTY, OrgLevel.TOWNSHIP)


def _acting(by: User, org: Org, roles, message):
    found = sq.acting_assignment(by, org, roles)
    if found is None:
        raise PermissionDenied(message)
    return found


def _acting_on(by: User, org: Org, roles, node: Org):
    """The user's assignment on ``node`` itself from which it acts on ``org`` (a 指导小组's province node)."""
    found = [a for a in sq.acting_assignments(by, org, roles) if a.org_id == node.pk]
    return max(found, key=lambda a: sq.ROLE_PRIORITY.get(a.role, 0)) if found else None


# --- inspections ------------------------------------------------------------------------------


@transaction.atomic
def record_inspection(
    org: Org,
    *,
    by: User,
    date: datetime.date,
    method: str,
    inspectors: str,
    findings: str,
    files=(),
    guidance_group: GuidanceGroup | None = None,
    today: datetime.date | None = None,
) -> Inspection:
    """Record an inspection of ``org`` by 组织部 or the sector's 行业主管部门 covering it.

    "采取听取汇报、专题调度、交流研讨、明查暗访等形式，了解活动进展情况" (seed, part 五).
    Attachments of a 暗访 belong to the issuing node, so the inspected organization cannot download them.
    With ``guidance_group`` the department records it as its 指导小组 (an organization of the group's sector).
    """
    today = today or timezone.localdate()
    acting = _acting(by, org, sq.ISSUE_ROLES, _("您无权对该组织开展督促检查"))
    if guidance_group is not None:
        check_acting_as(guidance_group, org, by=by, what=_("检查"))
        acting = _acting_on(by, org, sq.ISSUE_ROLES, guidance_group.org) or acting
    if method not in InspectionMethod.values:
        raise ValidationError({"method": _("请选择检查方式")})
    if date > today:
        raise ValidationError({"date": _("检查日期不能晚于今天")})
    inspection = Inspection(
        org=org,
        issuer_org=acting.org,
        issuer_role=acting.role,
        date=date,
        method=method,
        inspectors=inspectors.strip(),
        findings=findings.strip(),
        guidance_group=guidance_group,
        created_by=by,
    )
    save_as(inspection, by=by)
    attach_files(inspection, files, org=acting.org if inspection.is_covert else org, by=by, field="attachments")
    return inspection


# --- remarks ----------------------------------------------------------------------------------


def _save_and_tell(record, *, by: User, title: str, body: str, url: str):
    """Save a new remark or order (``by``: its history's author) and tell who answers for its organization, with
    the start of ``body`` and a link to the record's page (the URL named ``url``)."""
    save_as(record, by=by)
    notify(sq.responders_of(record.org), title=title, body=body[:200], url=reverse(url, args=[record.pk]))
    return record


@transaction.atomic
def add_remark(
    org: Org,
    *,
    by: User,
    achievements: str,
    problems: str,
    direction: str,
    guidance_group: GuidanceGroup | None = None,
) -> Remark:
    """A superior remarks on a subordinate organization (never on its own node).

    "上级党组织负责人要对基层党组织和党员开展创先争优活动情况适时进行点评，实事求是肯定取得的成绩，
    指出存在的问题和努力方向。" (seed, part 五) With ``guidance_group``: as the department's 指导小组.
    """
    if not sq.acting_assignments(by, org, sq.REMARK_ROLES):
        raise PermissionDenied(_("您无权点评该组织"))
    acting = sq.acting_assignment(by, org, sq.REMARK_ROLES, above=True)
    if guidance_group is not None:
        check_acting_as(guidance_group, org, by=by, what=_("点评"))
        if org.pk != guidance_group.org_id:
            acting = _acting_on(by, org, sq.REMARK_ROLES, guidance_group.org) or acting
    if acting is None:
        # 党建工作指导员: its assignment sits on the very basic organization it guides and remarks on.
        acting = sq.acting_assignment(by, org, queries.GUIDE_ROLES)
    if acting is None:
        message = _("点评由上级党组织对下级组织作出，不能点评本级组织“%(name)s”") % {"name": org.name}
        raise ValidationError({"org_code": ValidationError(message, code="own_node")})
    remark = Remark(
        org=org,
        author_org=acting.org,
        author_role=acting.role,
        author=by,
        achievements=achievements.strip(),
        problems=problems.strip(),
        direction=direction.strip(),
        guidance_group=guidance_group,
    )
    issuer = guidance_group.name if guidance_group else acting.org.name
    title = _("%(issuer)s对本组织作了点评") % {"issuer": issuer}
    return _save_and_tell(remark, by=by, title=title, body=remark.direction, url="campaign:supervision_remark_detail")


# --- rectification orders ---------------------------------------------------------------------


def _order_url(order):
    return reverse("campaign:supervision_order_detail", args=[order.pk])


@transaction.atomic
def issue_order(
    org: Org,
    *,
    by: User,
    problem: str,
    requirement: str,
    deadline: datetime.date,
    today: datetime.date | None = None,
) -> RectificationOrder:
    """“对思想不重视、工作不得力的，要求限期整改。” (seed, part 五) — by 组织部 or 行业主管部门 above ``org``."""
    today = today or timezone.localdate()
    if not sq.acting_assignments(by, org, sq.ISSUE_ROLES):
        raise PermissionDenied(_("您无权对该组织下达整改通知"))
    acting = sq.acting_assignment(by, org, sq.ISSUE_ROLES, above=True)
    if acting is None:
        message = _("限期整改由上级下达给下级组织，不能对本级组织“%(name)s”下达") % {"name": org.name}
        raise ValidationError({"org_code": ValidationError(message, code="own_node")})
    if deadline < today:
        raise ValidationError({"deadline": _("整改期限不能早于今天")})
    order = RectificationOrder(
        org=org,
        issuer_org=acting.org,
        issuer_role=acting.role,
        issued_by=by,
        problem=problem.strip(),
        requirement=requirement.strip(),
        deadline=deadline,
    )
    title = _("%(issuer)s下达限期整改通知，整改期限%(deadline)s") % {
        "issuer": acting.org.name,
        "deadline": deadline.strftime("%Y-%m-%d"),
    }
    return _save_and_tell(order, by=by, title=title, body=order.requirement, url="campaign:supervision_order_detail")


def _lock(order: RectificationOrder) -> RectificationOrder:
    return RectificationOrder.objects.select_for_update().select_related("org", "issuer_org").get(pk=order.pk)


@transaction.atomic
def respond_order(order: RectificationOrder, *, by: User, text: str, files=()) -> RectificationResponse:
    """The organization reports its rectification with evidence; the order then waits for verification."""
    order = _lock(order)
    if not sq.may_respond(by, order):
        raise PermissionDenied(_("只有整改单位可以报送整改情况"))
    if order.status == RectificationOrder.Status.VERIFIED:
        raise ValidationError(_("该整改通知已验收通过，不能再报送整改情况"), code="verified")
    if order.status == RectificationOrder.Status.RESPONDED:
        raise ValidationError(_("整改情况已经报送，正在等待验收"), code="responded")
    if not text.strip():
        raise ValidationError({"text": _("请填写整改情况")})
    response = RectificationResponse.objects.create(order=order, text=text.strip(), responded_by=by)
    attach_files(response, files, org=order.org, by=by, field="attachments")
    order.status = RectificationOrder.Status.RESPONDED
    save_as(order, by=by, update_fields=["status", "updated_at"])
    mark_read_about(by, _order_url(order))  # 下达限期整改通知 / 验收未通过，请继续整改: reported
    recipients = [order.issued_by] if order.issued_by_id and order.issued_by.is_active else []
    if not recipients:
        recipients = list(
            User.objects.filter(
                is_active=True, assignments__org=order.issuer_org, assignments__role=order.issuer_role
            ).distinct()
        )
    notify(
        recipients,
        title=_("%(org)s已报送整改情况，请验收") % {"org": order.org.name},
        body=response.text[:200],
        url=_order_url(order),
    )
    return response


@transaction.atomic
def verify_order(order: RectificationOrder, *, by: User, passed: bool, reason: str = "") -> RectificationOrder:
    """The issuer verifies: 通过 → closed (verified); 不通过 → back to the organization with a reason."""
    order = _lock(order)
    if not sq.may_verify(by, order):
        raise PermissionDenied(_("只有下达整改通知的部门可以验收"))
    if order.status == RectificationOrder.Status.VERIFIED:
        raise ValidationError(_("该整改通知已经验收通过"), code="verified")
    if order.status != RectificationOrder.Status.RESPONDED:
        raise ValidationError(_("整改单位尚未报送整改情况，不能验收"), code="not_responded")
    reason = reason.strip()
    if not passed and not reason:
        raise ValidationError({"reason": _("验收不通过时请填写理由")})
    now = timezone.now()
    response = order.responses.order_by("-responded_at", "-id").first()
    if response is not None:
        response.verdict = RectificationResponse.Verdict.PASSED if passed else RectificationResponse.Verdict.FAILED
        response.reason = reason
        response.verified_by = by
        response.verified_at = now
        response.save(update_fields=["verdict", "reason", "verified_by", "verified_at"])
    if passed:
        order.status = RectificationOrder.Status.VERIFIED
        order.verified_by = by
        order.verified_at = now
        order.reopen_reason = ""
        title = _("整改情况已验收通过")
    else:
        order.status = RectificationOrder.Status.REOPENED
        order.reopen_reason = reason
        title = _("整改情况验收未通过，请继续整改")
    save_as(order, by=by, update_fields=["status", "verified_by", "verified_at", "reopen_reason", "updated_at"])
    mark_read_about(by, _order_url(order))  # 已报送整改情况，请验收: verified
    notify(sq.responders_of(order.org), title=title, body=reason[:200], url=_order_url(order))
    return order


def escalate_overdue_orders(today: datetime.date | None = None) -> int:
    """Tell the issuer's superior 组织部 about every overdue, unverified order — exactly once per order.

    The superior is the 组织部 on the nearest ancestor of the issuing node that has 组织部 accounts.
    An order is claimed by a conditional update of ``escalated_at``, so a re-run, a retried task or two
    beat processes notify nobody twice. Returns the number of orders escalated now.
    """
    today = today or timezone.localdate()
    overdue = list(
        RectificationOrder.objects.filter(
            status__in=RectificationOrder.UNFINISHED, deadline__lt=today, escalated_at__isnull=True
        ).select_related("org", "issuer_org")
    )
    if not overdue:
        return 0
    superiors = sq.superior_departments({o.issuer_org.path for o in overdue})
    escalated = 0
    for order in overdue:
        with transaction.atomic():
            now = timezone.now()
            claimed = RectificationOrder.objects.filter(pk=order.pk, escalated_at__isnull=True).update(escalated_at=now)
            if not claimed:
                continue
            # The claim is a conditional UPDATE (no save, so no signal): record its history row by hand.
            order.refresh_from_db()
            RectificationOrder.history.bulk_history_create(
                [order], update=True, default_change_reason=_("逾期未完成，已报上级组织部"), default_date=now
            )
            escalated += 1
            notify(
                superiors.get(order.issuer_org.path, []),
                title=_("限期整改逾期未完成：%(org)s") % {"org": order.org.name},
                body=_("%(issuer)s下达的整改通知已于%(deadline)s到期，尚未验收通过。")
                % {"issuer": order.issuer_org.name, "deadline": order.deadline.strftime("%Y-%m-%d")},
                url=_order_url(order),
            )
    return escalated


# --- leading groups and contact points -----------------------------------------------------------


def _require_group_manager(by: User, org: Org):
    if not sq.can_manage_group(by, org):
        raise PermissionDenied(_("您无权管理该领导小组"))


@transaction.atomic
def create_leading_group(org: Org, *, by: User, name: str, **office) -> LeadingGroup:
    """“各级党委也要成立活动领导小组” (seed, part 五): one group per province, city, county or township committee."""
    _require_group_manager(by, org)
    if org.level not in GROUP_LEVELS:
        raise ValidationError(
            {
                "org_code": _("领导小组在省、市、县(市、区)和乡镇(街道)党委成立，“%(name)s”不是这一级党委")
                % {"name": org.name}
            }
        )
    taken = ValidationError({"org_code": _("“%(name)s”已成立领导小组") % {"name": org.name}})
    if LeadingGroup.objects.filter(org=org).exists():
        raise taken
    return insert_once(LeadingGroup(org=org, name=name.strip(), **office), by=by, taken=taken)


@transaction.atomic
def update_leading_group(group: LeadingGroup, *, by: User, fields: dict) -> LeadingGroup:
    _require_group_manager(by, group.org)
    return save_changes(group, fields, by=by, also=["updated_at"])


def _check_member_user(by: User, user: User | None):
    if user is not None and not queries.users_for(by).filter(pk=user.pk).exists():
        raise ValidationError({"username": _("该账号不在您的管理范围内")})


@transaction.atomic
def add_group_member(group: LeadingGroup, *, by: User, name: str, post: str, group_role: str, user=None, order=0):
    _require_group_manager(by, group.org)
    _check_member_user(by, user)
    member = LeadingGroupMember(
        group=group, name=name.strip(), post=post.strip(), group_role=group_role, user=user, order=order
    )
    save_as(member, by=by)
    return member


@transaction.atomic
def update_group_member(member: LeadingGroupMember, *, by: User, fields: dict) -> LeadingGroupMember:
    _require_group_manager(by, member.group.org)
    if "user" in fields:
        _check_member_user(by, fields["user"])
    return save_changes(member, fields, by=by)


@transaction.atomic
def remove_group_member(member: LeadingGroupMember, *, by: User) -> None:
    _require_group_manager(by, member.group.org)
    if member.contact_points.exists():
        raise ValidationError(_("%(name)s还有联系点，请先撤销其联系点") % {"name": member.name}, code="has_points")
    delete_as(member, by=by)


@transaction.atomic
def create_contact_point(leader: LeadingGroupMember, org: Org, *, by: User, notes: str = "") -> ContactPoint:
    """“党委主要领导干部和领导小组成员要建立创先争优活动联系点。” — a basic organization in the group's subtree."""
    group_org = leader.group.org
    _require_group_manager(by, group_org)
    if not org.path.startswith(group_org.path) or not org.is_basic:
        raise ValidationError(
            {"org_code": _("联系点应是%(group)s所辖的基层党组织") % {"group": group_org.name}}, code="outside"
        )
    if ContactPoint.objects.filter(leader=leader, org=org).exists():
        raise ValidationError({"org_code": _("%(name)s已把该组织作为联系点") % {"name": leader.name}})
    point = ContactPoint(leader=leader, org=org, notes=notes.strip())
    save_as(point, by=by)
    return point


@transaction.atomic
def remove_contact_point(point: ContactPoint, *, by: User) -> None:
    _require_group_manager(by, point.leader.group.org)
    delete_as(point, by=by)


@transaction.atomic
def log_visit(
    point: ContactPoint, *, by: User, date: datetime.date, note: str, today: datetime.date | None = None
) -> ContactVisit:
    """A visit to the contact point, recorded by the leader or the 组织部 managing the group."""
    today = today or timezone.localdate()
    if not sq.may_log_visit(by, point):
        raise PermissionDenied(_("您无权记录该联系点的走访情况"))
    if date > today:
        raise ValidationError({"date": _("走访日期不能晚于今天")})
    if not note.strip():
        raise ValidationError({"note": _("请填写情况记录")})
    return ContactVisit.objects.create(point=point, date=date, note=note.strip(), recorded_by=by)
