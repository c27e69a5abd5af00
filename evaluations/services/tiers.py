"""Tiers (先进 / 中间 / 后进): set-based computation for a subtree and period, the superior's
override with a reason, 晋档升级 targets, and the background run with its progress.

"实施晋档升级。对照创先争优标准，着眼全面提升，加强不同层次党组织建设，使处于先进的当好标杆、
中间状态的规范提高、相对后进的改变面貌" (seed, part 四 (三) 3)
"""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from common import jobs as background
from orgs import queries
from orgs.models import Org

from ..enums import Target, TierLevel
from ..models import Tier, TierRun, TierTarget
from .assessments import is_superior
from .scoring import RuleBook, combine, org_source_scores, tier_for

BATCH = 5000
COMPUTED_FIELDS = [
    "computed",
    "score",
    "self_score",
    "superior_score",
    "peer_score",
    "mass_score",
    "lowest_level_score",
    "computed_at",
]


def compute_tiers(period, root_org: Org | None = None, *, run: TierRun | None = None, batch_size=BATCH) -> dict:
    """Compute the tier of every organization under ``root_org`` (None: the whole tree) that has
    at least one source score in ``period``, in a constant number of aggregate queries:

    1. the SourceWeights rows of the period (weights and thresholds per subtree);
    2. one GROUP BY per source (self, superior with the lowest level score, peer, mass);
    3. the organizations' paths, only when a subtree has its own weights;
    then bulk upserts (INSERT … ON CONFLICT (org, period) DO UPDATE of the computed columns only)
    in batches of ``batch_size``, and one UPDATE that clears the computed tier of organizations
    that no longer have any score. The override columns are never written here: a recomputation
    never clobbers a superior's override. Safe to run twice. Returns counts per tier.
    """
    orgs = Org.objects.filter(active=True)
    if root_org is not None:
        orgs = orgs.filter(path__startswith=root_org.path)
    book = RuleBook(period, Target.ORG)
    scores = org_source_scores(period, orgs)
    paths = {}
    if any(book.by_path.keys() - {""}):
        paths = dict(orgs.values_list("pk", "path"))
    now = timezone.now()
    counts = {TierLevel.ADVANCED: 0, TierLevel.MIDDLE: 0, TierLevel.BACKWARD: 0, None: 0}
    if run is not None:
        TierRun.objects.filter(pk=run.pk).update(total=len(scores))
    rows = []
    for org_id, s in scores.items():
        rule = book.for_path(paths[org_id]) if org_id in paths else book.default
        score = combine(
            {"self": s["self"], "superior": s["superior"], "peer": s["peer"], "mass": s["mass"]}, rule.weights
        )
        tier = tier_for(score, s["lowest"], rule)
        counts[tier] += 1
        rows.append(
            Tier(
                org_id=org_id,
                period_id=period.pk,
                computed=tier,
                score=score,
                self_score=s["self"],
                superior_score=s["superior"],
                peer_score=s["peer"],
                mass_score=s["mass"],
                lowest_level_score=s["lowest"],
                computed_at=now,
            )
        )
    for start in range(0, len(rows), batch_size):
        chunk = rows[start : start + batch_size]
        with transaction.atomic():
            Tier.objects.bulk_create(
                chunk,
                update_conflicts=True,
                unique_fields=["org", "period"],
                update_fields=COMPUTED_FIELDS,
                batch_size=batch_size,
            )
            if run is not None:
                TierRun.objects.filter(pk=run.pk).update(processed=start + len(chunk))
    # Organizations whose scores are gone keep their row (and any override) without a computed tier.
    stale = Tier.objects.filter(period=period).filter(Q(computed_at__lt=now) | Q(computed_at__isnull=True))
    if root_org is not None:
        stale = stale.filter(org__path__startswith=root_org.path)
    stale.update(**{f: None for f in COMPUTED_FIELDS if f != "computed_at"})
    return {"orgs": len(rows), **{str(k) if k else "none": v for k, v in counts.items()}}


# --- background runs ------------------------------------------------------------------------------


def start_computation(period, root_org: Org, *, by) -> tuple[TierRun, bool]:
    """Queue a computation for ``root_org``'s subtree (org_department there). Returns the run and
    whether it is new: a run already queued or running for the same subtree and period is reused."""
    if not queries.can_manage(by, root_org):
        raise PermissionDenied(_("只有本范围的组织部可以计算档次"))
    with transaction.atomic():
        Org.objects.select_for_update().filter(pk=root_org.pk).first()
        running = TierRun.objects.filter(
            period=period, root_org=root_org, status__in=[TierRun.Status.QUEUED, TierRun.Status.RUNNING]
        ).first()
        if running is not None:
            return running, False
        run = TierRun.objects.create(period=period, root_org=root_org, requested_by=by)
        # A background job (common.jobs) published after the commit.
        background.enqueue("evaluations.compute_tiers", owner=by, target=run, run_id=run.pk)
    return run, True


def run_computation(run_id: int) -> None:
    """Task body: reload the run; nothing to do when it is gone or already finished.

    An error ends the background job 失败; its hook (``run_failed``) marks the run with a Chinese reason."""
    claimed = TierRun.objects.filter(pk=run_id, status=TierRun.Status.QUEUED).update(
        status=TierRun.Status.RUNNING, started_at=timezone.now()
    )
    if not claimed:
        return
    run = TierRun.objects.select_related("period", "root_org").get(pk=run_id)
    compute_tiers(run.period, run.root_org, run=run)
    TierRun.objects.filter(pk=run_id).update(status=TierRun.Status.DONE, finished_at=timezone.now())


def run_failed(job) -> None:
    """The background job of a run ended 失败 (an error, or its worker died): the run says so."""
    TierRun.objects.filter(pk=job.kwargs["run_id"], status__in=[TierRun.Status.QUEUED, TierRun.Status.RUNNING]).update(
        status=TierRun.Status.FAILED, finished_at=timezone.now(), error=str(job.failure_reason)
    )


def run_again(job) -> bool:
    """Before a resume or a retry: the run is queued again — unless another run of the same subtree and period
    was started meanwhile (then there is nothing to redo)."""
    run = TierRun.objects.filter(pk=job.kwargs["run_id"]).first()
    if run is None:
        return False
    active = [TierRun.Status.QUEUED, TierRun.Status.RUNNING]
    if (
        TierRun.objects.filter(period=run.period_id, root_org=run.root_org_id, status__in=active)
        .exclude(pk=run.pk)
        .exists()
    ):
        return False
    return bool(
        TierRun.objects.filter(pk=run.pk, status__in=[*active, TierRun.Status.FAILED]).update(
            status=TierRun.Status.QUEUED, processed=0, error="", started_at=None, finished_at=None
        )
    )


def last_run(period, root_org) -> TierRun | None:
    """The latest finished computation that covered ``root_org`` (its own or an ancestor's run)."""
    return (
        TierRun.objects.filter(period=period, status=TierRun.Status.DONE)
        .filter(Q(root_org=None) | Q(root_org__path__in=root_org.ancestor_paths()))
        .order_by("-finished_at")
        .first()
    )


# --- override ---------------------------------------------------------------------------------------


@transaction.atomic
def override_tier(org: Org, period, *, by, level: str | None, reason: str) -> Tier:
    """A superior (org_department above ``org``) sets the tier by hand — or clears its override
    (``level`` None) — with a recorded reason; the computed tier stays as it was."""
    if not is_superior(by, org):
        raise PermissionDenied(_("只有上级组织部可以调整档次"))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请填写调整理由")})
    if level is not None and level not in TierLevel.values:
        raise ValidationError({"level": _("无效的档次")})
    Tier.objects.get_or_create(org=org, period=period)
    tier = Tier.objects.select_for_update().get(org=org, period=period)
    tier.override = level
    tier.override_reason = reason
    tier.override_by = by
    tier.override_at = timezone.now()
    tier._change_reason = reason
    tier.save(update_fields=["override", "override_reason", "override_by", "override_at"])
    return tier


# --- targets ----------------------------------------------------------------------------------------


@transaction.atomic
def set_target(owner_org: Org, period, from_period, *, kind: str, percent, by) -> TierTarget:
    """ "使…中间状态的规范提高、相对后进的改变面貌": a superior sets, for its subtree, the share of
    中间 that should move up (or of 后进 that should change) between ``from_period`` and ``period``."""
    if not queries.can_manage(by, owner_org):
        raise PermissionDenied(_("只有本范围的组织部可以设定目标"))
    errors = {}
    if kind not in TierTarget.Kind.values:
        errors["kind"] = _("无效的指标")
    try:
        percent = Decimal(str(percent))
    except (InvalidOperation, ValueError):
        percent = None
    if percent is None or not (0 <= percent <= 100):
        errors["percent"] = _("目标比例须在 0—100 之间")
    if from_period.start_date >= period.start_date:
        errors["from_period"] = _("对比期间须早于考核期间")
    if errors:
        raise ValidationError(errors)
    target, _created = TierTarget.objects.update_or_create(
        owner_org=owner_org,
        period=period,
        from_period=from_period,
        kind=kind,
        defaults={"percent": percent, "set_by": by},
    )
    return target
