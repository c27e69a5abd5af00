"""Factories for implementation plans and public commitments (written directly: states for tests)."""

import itertools

from django.utils import timezone

from campaign.models import Commitment, Plan, PlanVersion

_seq = itertools.count(1)

PLAN_FIELDS = {
    "theme": "创建先进基层党组织，争当优秀共产党员",
    "carriers": ["三级联创", "设岗定责"],
    "other_carriers": "",
    "goals": "班子团结，党员作用充分发挥。",
    "measures": "每月开展一次主题党日活动。",
    "rectification": "落实学习实践活动整改措施，解决群众反映的道路问题。",
    "commitments": "一年内硬化村内主干道。",
}


def plan_fields(**overrides) -> dict:
    return {**PLAN_FIELDS, **overrides}


def make_plan(campaign, org, *, status=Plan.Status.DRAFT, by=None, versions=None, **fields) -> Plan:
    """A plan in ``status``; submitted states get one version (or ``versions`` of them)."""
    n = next(_seq)
    data = plan_fields(**fields)
    data.setdefault("theme", f"主题{n}")
    plan = Plan.objects.create(campaign=campaign, org=org, status=status, created_by=by, **data)
    count = versions if versions is not None else (0 if status == Plan.Status.DRAFT else 1)
    now = timezone.now()
    for number in range(1, count + 1):
        decision = ""
        if status in (Plan.Status.APPROVED, Plan.Status.PUBLISHED) and number == count:
            decision = PlanVersion.Decision.APPROVED
        elif status == Plan.Status.RETURNED and number == count:
            decision = PlanVersion.Decision.RETURNED
        PlanVersion.objects.create(
            plan=plan,
            number=number,
            snapshot=plan.snapshot(),
            submitted_by=by,
            submitted_at=now,
            decision=decision,
            decided_at=now if decision else None,
            reason="请补充具体措施" if decision == PlanVersion.Decision.RETURNED else "",
        )
    if status == Plan.Status.RETURNED:
        plan.return_reason = "请补充具体措施"
        plan.save(update_fields=["return_reason"])
    return plan


def make_commitment(campaign, org=None, *, member=None, status=Commitment.Status.DRAFT, content=None, **extra):
    n = next(_seq)
    return Commitment.objects.create(
        campaign=campaign,
        org=member.org if member is not None else org,
        member=member,
        status=status,
        content=content or f"承诺事项{n}：带头参加志愿服务。",
        published_at=timezone.now() if status == Commitment.Status.PUBLISHED else None,
        **extra,
    )
