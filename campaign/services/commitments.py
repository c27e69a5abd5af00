"""Every write to public commitments (公开承诺) and their fulfilment records (兑现).

"并采取适当方式向群众公布，进行承诺，接受群众监督。" (seed, part 四.(一)). An organization's
commitment is written by its secretary (or comes from its published plan); a member writes its own
commitment, or the secretary writes it on the member's behalf. Once published the content is fixed;
兑现 records with evidence then show the masses how it is kept.
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from common.actors import is_system
from common.history import save_as, stamp_history
from orgs.models import Member, Org, User

from ..models import Campaign, Commitment, Fulfilment, FulfilmentRecord, Plan
from ..queries import plans as q
from .attachments import attach_files
from .timeline import ensure_phase

ANY_PHASE = range(1, 100)


def _require_writer(user: User, commitment: Commitment) -> None:
    if not q.can_write_commitment(user, commitment):
        raise PermissionDenied(_("只有承诺党员本人或本组织的书记（党务工作者）可以填写承诺"))


@transaction.atomic
def create_commitment(
    campaign: Campaign,
    *,
    by: User,
    content: str,
    org: Org | None = None,
    member: Member | None = None,
    today: datetime.date | None = None,
) -> Commitment:
    """A draft commitment of ``member`` (its own, or by its secretary) or else of ``org``."""
    if member is not None:
        org = member.org
    if org is None:
        raise ValidationError(_("请指定作出承诺的组织或党员"), code="owner")
    commitment = Commitment(campaign=campaign, org=org, member=member, content=(content or "").strip(), created_by=by)
    _require_writer(by, commitment)
    ensure_phase(campaign, ANY_PHASE, today=today)
    commitment.full_clean(exclude=["campaign", "org", "member", "plan", "created_by"])
    save_as(commitment, by=by)
    return commitment


def _locked(commitment: Commitment, *related) -> Commitment:
    """The commitment read again and locked (only its own row) for the change, with its organization and member."""
    rows = Commitment.objects.select_for_update(of=("self",)).select_related("org", "member", *related)
    return rows.get(pk=commitment.pk)


@transaction.atomic
def update_commitment(commitment: Commitment, *, by: User, content: str) -> Commitment:
    commitment = _locked(commitment)
    if not is_system(by):
        _require_writer(by, commitment)
    if commitment.status != Commitment.Status.DRAFT:
        raise ValidationError(_("承诺已向群众公开，内容不能再修改"), code="status")
    commitment.content = (content or "").strip()
    commitment.full_clean(exclude=["campaign", "org", "member", "plan", "created_by"])
    stamp_history(commitment, by)
    commitment.save(update_fields=["content", "updated_at"])
    return commitment


@transaction.atomic
def publish_commitment(commitment: Commitment, *, by: User, today: datetime.date | None = None) -> Commitment:
    commitment = _locked(commitment, "campaign")
    _require_writer(by, commitment)
    if commitment.status != Commitment.Status.DRAFT:
        raise ValidationError(_("该承诺已经公开"), code="status")
    ensure_phase(commitment.campaign, ANY_PHASE, today=today)
    commitment.status, commitment.published_at = Commitment.Status.PUBLISHED, timezone.now()
    save_as(commitment, by=by, update_fields=["status", "published_at", "updated_at"])
    return commitment


@transaction.atomic
def record_fulfilment(
    commitment: Commitment,
    *,
    by: User,
    date: datetime.date,
    description: str,
    fulfilment: str,
    files=(),
    today: datetime.date | None = None,
) -> FulfilmentRecord:
    """Add a 兑现 record (with evidence files) and set the commitment's fulfilment status."""
    commitment = _locked(commitment, "campaign")
    _require_writer(by, commitment)
    if commitment.status != Commitment.Status.PUBLISHED:
        raise ValidationError(_("承诺向群众公开后才能记录兑现情况"), code="status")
    if fulfilment not in Fulfilment.values:
        raise ValidationError({"fulfilment": ValidationError(_("请选择兑现状态"), code="fulfilment")})
    if date > (today or timezone.localdate()):
        raise ValidationError({"date": ValidationError(_("兑现日期不能晚于今天"), code="date")})
    ensure_phase(commitment.campaign, ANY_PHASE, today=today)
    record = FulfilmentRecord(
        commitment=commitment,
        date=date,
        description=(description or "").strip(),
        fulfilment=fulfilment,
        recorded_by=by,
    )
    record.full_clean(exclude=["commitment", "recorded_by"])
    record.save()
    attach_files(record, files, org=commitment.org, by=by)
    commitment.fulfilment = fulfilment
    save_as(commitment, by=by, update_fields=["fulfilment", "updated_at"])
    return record


def commitment_from_plan(plan: Plan, *, by: User | None) -> Commitment | None:
    """On publishing a plan: its 承诺事项 become the organization's published commitment."""
    content = (plan.commitments or "").strip()
    if not content:
        return None
    commitment = Commitment.objects.filter(plan=plan).first() or Commitment(
        campaign=plan.campaign, org=plan.org, plan=plan, created_by=by
    )
    commitment.content = content
    commitment.status = Commitment.Status.PUBLISHED
    commitment.published_at = timezone.now()
    save_as(commitment, by=by)
    return commitment
