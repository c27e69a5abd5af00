"""Every write to implementation plans (实施方案): write, submit, approve or return, publish.

"基层党组织要结合实际制定创先争优活动实施方案……要把学习实践活动整改落实后续工作纳入其中，
并采取适当方式向群众公布，进行承诺，接受群众监督。" (seed, part 四.(一), 制定方案)

Plans are written and submitted in phase one ("广泛发动，安排部署"); a returned plan may be revised and
resubmitted in any phase while the campaign runs; approving and publishing are possible while it runs.
Every submission is kept as a ``PlanVersion``. Each write checks the ``revision`` the user saw: if
somebody else changed the plan in between, ``StalePlan`` is raised and nothing is written.
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from common.errors import StaleEdit
from common.history import save_as
from orgs.models import Org, User

from ..models import Campaign, Plan, PlanVersion
from ..models.plans import PLAN_CONTENT_FIELDS
from ..queries import plans as q
from .inbox import mark_read_about
from .notifications import notify
from .timeline import ensure_phase, mark_done

WRITING_PHASES = {1}
# Any phase: "while the campaign runs" (ensure_phase refuses before the start and after the end).
ANY_PHASE = range(1, 100)


class StalePlan(StaleEdit):
    """The plan changed since the user loaded it: refuse instead of overwriting somebody's work (409)."""

    def __init__(self):
        super().__init__(
            gettext_lazy("该方案已被他人修改，您看到的不是最新内容。请刷新页面查看最新内容后再操作，本次操作未保存。")
        )


def _lock(plan: Plan) -> Plan:
    return Plan.objects.select_for_update(of=("self",)).select_related("org", "campaign").get(pk=plan.pk)


def _check_revision(plan: Plan, expected_revision) -> None:
    if expected_revision is not None and str(plan.revision) != str(expected_revision):
        raise StalePlan


def _require_writer(user: User, org: Org) -> None:
    if not q.is_writer(user, org):
        raise PermissionDenied(_("只有本组织的书记（党务工作者）可以编写和提交实施方案"))


def _require_approver(user: User, org: Org) -> None:
    if not q.is_approver(user, org):
        raise PermissionDenied(_("只有上级组织部门或上级党委书记可以审批实施方案"))


def _ensure_writing_phase(plan_status: str, campaign: Campaign, today) -> None:
    """Drafts in phase one; a returned plan in any phase while the campaign runs."""
    ensure_phase(campaign, ANY_PHASE if plan_status == Plan.Status.RETURNED else WRITING_PHASES, today=today)


def _save(plan: Plan, by: User | None, fields: list[str]) -> None:
    plan.revision += 1
    save_as(plan, by=by, update_fields=[*fields, "revision", "updated_at"])


def plan_url(plan: Plan) -> str:
    return reverse("campaign:plan_detail", args=[plan.pk])


def _clean_fields(plan: Plan, fields: dict) -> dict:
    fields = {k: v for k, v in fields.items() if k in PLAN_CONTENT_FIELDS}
    for name, value in fields.items():
        setattr(plan, name, value)
    plan.full_clean(exclude=["campaign", "org", "created_by"], validate_unique=False)
    return fields


@transaction.atomic
def create_plan(campaign: Campaign, org: Org, *, by: User, fields: dict, today: datetime.date | None = None) -> Plan:
    """A new draft plan of ``org`` for ``campaign``, written by its secretary in phase one."""
    _require_writer(by, org)
    if not org.is_basic:
        raise ValidationError(_("只有基层党组织需要制定实施方案"), code="not_basic")
    ensure_phase(campaign, WRITING_PHASES, today=today)
    Org.objects.select_for_update().filter(pk=org.pk).first()  # one creator at a time per organization
    if Plan.objects.filter(campaign=campaign, org=org).exists():
        raise ValidationError(_("该组织在本次活动中已有实施方案，请打开原方案修改"), code="exists")
    plan = Plan(campaign=campaign, org=org, created_by=by)
    _clean_fields(plan, fields)
    save_as(plan, by=by)
    return plan


def _lock_for_writing(plan: Plan, by: User, expected_revision, today, *, submitting: bool) -> Plan:
    """The plan locked for its writer's change (``submitting`` it, or editing it), as the user last saw it (else
    stale), while it is a draft or returned (else refused, naming its status) and the campaign's phase allows
    writing."""
    plan = _lock(plan)
    _require_writer(by, plan.org)
    _check_revision(plan, expected_revision)
    if plan.status not in (Plan.Status.DRAFT, Plan.Status.RETURNED):
        status = {"status": plan.get_status_display()}
        if submitting:
            raise ValidationError(_("方案%(status)s，不能重复提交") % status, code="status")
        raise ValidationError(_("方案%(status)s，不能再修改") % status, code="status")
    _ensure_writing_phase(plan.status, plan.campaign, today)
    return plan


@transaction.atomic
def update_plan(plan: Plan, *, by: User, fields: dict, expected_revision, today: datetime.date | None = None) -> Plan:
    """Change a draft or returned plan's content."""
    plan = _lock_for_writing(plan, by, expected_revision, today, submitting=False)
    changed = _clean_fields(plan, fields)
    _save(plan, by, list(changed))
    return plan


@transaction.atomic
def submit_plan(plan: Plan, *, by: User, expected_revision, today: datetime.date | None = None) -> Plan:
    """Submit for approval; the submitted content is kept as a new version."""
    plan = _lock_for_writing(plan, by, expected_revision, today, submitting=True)
    plan.full_clean(exclude=["campaign", "org", "created_by"], validate_unique=False)
    now = timezone.now()
    number = (plan.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    PlanVersion.objects.create(plan=plan, number=number, snapshot=plan.snapshot(), submitted_by=by, submitted_at=now)
    plan.status, plan.submitted_at, plan.return_reason = Plan.Status.SUBMITTED, now, ""
    _save(plan, by, ["status", "submitted_at", "return_reason"])
    mark_read_about(by, plan_url(plan))  # 实施方案被退回 (resubmitted)
    notify(
        q.approvers_of(plan.org),
        title=_("待审批：%(org)s的创先争优活动实施方案（第%(n)s版）") % {"org": plan.org.name, "n": number},
        body=_("主题：%(theme)s") % {"theme": plan.theme},
        url=plan_url(plan),
    )
    return plan


def _decide(plan: Plan, by: User, expected_revision, today) -> PlanVersion:
    _require_approver(by, plan.org)
    _check_revision(plan, expected_revision)
    if plan.status != Plan.Status.SUBMITTED:
        raise ValidationError(
            _("只能审批已提交的方案，该方案当前%(status)s") % {"status": plan.get_status_display()}, code="status"
        )
    ensure_phase(plan.campaign, ANY_PHASE, today=today)
    mark_read_about(by, plan_url(plan))  # 待审批 (decided)
    return plan.versions.order_by("-number").first()


def _tell_writers(plan: Plan, version: PlanVersion, *, title: str, body: str = "") -> None:
    users = q.secretaries_of(plan.org)
    if version.submitted_by is not None and version.submitted_by.is_active:
        users.append(version.submitted_by)
    notify(users, title=title, body=body, url=plan_url(plan))


@transaction.atomic
def approve_plan(plan: Plan, *, by: User, expected_revision, today: datetime.date | None = None) -> Plan:
    plan = _lock(plan)
    version = _decide(plan, by, expected_revision, today)
    now = timezone.now()
    version.decision, version.decided_by, version.decided_at = PlanVersion.Decision.APPROVED, by, now
    version.save(update_fields=["decision", "decided_by", "decided_at"])
    plan.status, plan.decided_at, plan.return_reason = Plan.Status.APPROVED, now, ""
    _save(plan, by, ["status", "decided_at", "return_reason"])
    _tell_writers(
        plan,
        version,
        title=_("实施方案已审批通过：%(org)s（第%(n)s版）") % {"org": plan.org.name, "n": version.number},
        body=_("方案审批通过后请向群众公布，进行承诺，接受群众监督。"),
    )
    return plan


@transaction.atomic
def return_plan(plan: Plan, *, by: User, reason: str, expected_revision, today: datetime.date | None = None) -> Plan:
    """Send the plan back to its organization with a reason (required)."""
    reason = (reason or "").strip()
    plan = _lock(plan)
    version = _decide(plan, by, expected_revision, today)
    if not reason:
        raise ValidationError({"reason": ValidationError(_("退回方案时必须填写退回原因"), code="reason_required")})
    now = timezone.now()
    version.decision, version.decided_by, version.decided_at = PlanVersion.Decision.RETURNED, by, now
    version.reason = reason
    version.save(update_fields=["decision", "decided_by", "decided_at", "reason"])
    plan.status, plan.decided_at, plan.return_reason = Plan.Status.RETURNED, now, reason
    _save(plan, by, ["status", "decided_at", "return_reason"])
    _tell_writers(
        plan,
        version,
        title=_("实施方案被退回：%(org)s（第%(n)s版）") % {"org": plan.org.name, "n": version.number},
        body=_("退回原因：%(reason)s") % {"reason": reason},
    )
    return plan


@transaction.atomic
def publish_plan(plan: Plan, *, by: User, expected_revision, today: datetime.date | None = None) -> Plan:
    """Publish an approved plan to the masses; this completes the 'plan' milestone of the organization.

    Its 承诺事项 become the organization's public commitment ("进行承诺，接受群众监督").
    """
    from .commitments import commitment_from_plan

    plan = _lock(plan)
    if not (q.is_writer(by, plan.org) or q.is_approver(by, plan.org)):
        raise PermissionDenied(_("您无权公布该组织的实施方案"))
    _check_revision(plan, expected_revision)
    if plan.status != Plan.Status.APPROVED:
        raise ValidationError(
            _("方案审批通过后才能公布，该方案当前%(status)s") % {"status": plan.get_status_display()}, code="status"
        )
    ensure_phase(plan.campaign, ANY_PHASE, today=today)
    plan.status, plan.published_at = Plan.Status.PUBLISHED, timezone.now()
    _save(plan, by, ["status", "published_at"])
    commitment_from_plan(plan, by=by)
    mark_done(plan.campaign, "plan", plan.org, by=by)
    return plan
