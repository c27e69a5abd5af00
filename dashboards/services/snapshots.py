"""Writing and choosing snapshots: the refresh the beat runs, a full refresh, the latest finished one."""

import datetime
import logging
import time

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext

from orgs.models import Org

from ..models import OrgFigures, OrgSeries, OwnSeries, Snapshot
from .live import NeedsFullRefresh, update_snapshot
from .rollup import insert_series, insert_tree_rows
from .setting import current_periods, current_round, phases_of, same_setting
from .statements import analyze, insert_own_rows, insert_own_series, one_moment

logger = logging.getLogger(__name__)

KEEP_SNAPSHOTS = 2
STALE_RUNNING = datetime.timedelta(minutes=30)


def latest_snapshot(campaign) -> Snapshot | None:
    if campaign is None:
        return None
    return (
        Snapshot.objects.filter(campaign=campaign, status=Snapshot.Status.DONE)
        .select_related("campaign", "period", "previous_period", "award_round")
        .order_by("-finished_at", "-pk")
        .first()
    )


def is_running(campaign) -> bool:
    return Snapshot.objects.filter(
        campaign=campaign, status=Snapshot.Status.RUNNING, started_at__gte=timezone.now() - STALE_RUNNING
    ).exists()


def refresh(
    campaign=None, *, today: datetime.date | None = None, force: bool = False, full: bool = False
) -> Snapshot | None:
    """Bring the figures of ``campaign`` (the current one by default) up to date.

    When the latest snapshot is younger than DASHBOARD_REFRESH_MINUTES and describes the same day, periods,
    round and phases, it is updated in place (``update_snapshot``: the organizations whose figures changed,
    rolled up) — also while a full refresh is running; otherwise — or with ``full``, or when the update finds a
    change of structure — a new snapshot is written and old ones are dropped.
    Returns None when there is no campaign, when another live update of the snapshot is running, or when a full
    refresh is needed and another one is running (unless ``force``). Safe to run twice: readers use the latest
    finished snapshot, which is never half-updated.
    """
    from campaign.models import Milestone
    from campaign.services.timeline import current_campaign

    today = today or timezone.localdate()
    campaign = campaign or current_campaign(today)
    if campaign is None:
        return None
    latest = None if full else latest_snapshot(campaign)
    young = datetime.timedelta(minutes=settings.DASHBOARD_REFRESH_MINUTES)
    if latest is not None and timezone.now() - latest.started_at < young and same_setting(latest, campaign, today):
        milestones = list(Milestone.objects.filter(campaign=campaign).select_related("phase").order_by("pk"))
        try:
            changed = update_snapshot(latest, milestones)
        except NeedsFullRefresh as reason:
            logger.info("dashboard snapshot %s: full refresh (%s)", latest.pk, reason)
        else:
            if changed is None:
                logger.info("dashboard snapshot %s: another live update is running", latest.pk)
                return None
            latest.refresh_from_db()
            logger.info(
                "dashboard snapshot %s: %s organizations updated in %.2f s", latest.pk, changed, latest.update_seconds
            )
            return latest
    if not force and is_running(campaign):
        return None
    return full_refresh(campaign, today)


def full_refresh(campaign, today: datetime.date) -> Snapshot:
    """Write a new snapshot of ``campaign`` as of ``today`` and drop old ones."""
    from campaign.models import Milestone

    period, previous = current_periods(today)
    snapshot = Snapshot.objects.create(
        campaign=campaign,
        as_of=today,
        period=period,
        previous_period=previous,
        award_round=current_round(campaign, today),
        phases=phases_of(campaign),
    )
    started = time.monotonic()
    try:
        milestones = list(Milestone.objects.filter(campaign=campaign).select_related("phase").order_by("pk"))
        max_depth = Org.objects.filter(active=True).aggregate(d=Max("depth"))["d"] or 1
        with one_moment():
            insert_own_rows(snapshot, milestones)
            # the roll-ups read the new snapshot's rows: the planner must know there are many
            analyze(OrgFigures, columns=("snapshot_id", "kind", "depth", "org_id", "path"))
            insert_tree_rows(snapshot, max_depth)
            insert_own_series(snapshot)
            analyze(OwnSeries, columns=("snapshot_id", "org_id"))
            insert_series(snapshot, max_depth)
            Snapshot.objects.filter(pk=snapshot.pk).update(
                status=Snapshot.Status.DONE, finished_at=timezone.now(), seconds=time.monotonic() - started
            )
    except Exception:
        # the page shows the job's Chinese reason; the exception and its traceback go to the log (common.jobs)
        Snapshot.objects.filter(pk=snapshot.pk).update(
            status=Snapshot.Status.FAILED, error=gettext("看板数据刷新失败（详情已记入日志）")
        )
        raise
    drop_old_snapshots(campaign)
    # Fresh statistics, so that the planner reads children and lists by their indexes.
    analyze(OrgFigures, OrgSeries, OwnSeries)
    snapshot.refresh_from_db()
    logger.info("dashboard snapshot %s for %s written in %.1f s", snapshot.pk, campaign, snapshot.seconds or 0)
    return snapshot


def drop_old_snapshots(campaign, keep: int = KEEP_SNAPSHOTS) -> int:
    """Delete all but the ``keep`` latest finished snapshots (and failed or stale running ones)."""
    finished = Snapshot.objects.filter(campaign=campaign, status=Snapshot.Status.DONE).order_by("-finished_at", "-pk")
    kept = list(finished.values_list("pk", flat=True)[:keep])
    old = Snapshot.objects.filter(campaign=campaign).exclude(pk__in=kept)
    old = old.exclude(status=Snapshot.Status.RUNNING, started_at__gte=timezone.now() - STALE_RUNNING)
    ids = list(old.values_list("pk", flat=True))
    if not ids:
        return 0
    with transaction.atomic():
        # Plain DELETEs (no per-row signals): hundreds of thousands of rows at province scale.
        OrgFigures.objects.filter(snapshot_id__in=ids)._raw_delete(OrgFigures.objects.db)
        OrgSeries.objects.filter(snapshot_id__in=ids)._raw_delete(OrgSeries.objects.db)
        OwnSeries.objects.filter(snapshot_id__in=ids)._raw_delete(OwnSeries.objects.db)
        Snapshot.objects.filter(pk__in=ids).delete()
    return len(ids)
