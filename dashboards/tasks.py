"""Dashboard tasks: a job (common.jobs) with keyword-only ids, safe to run twice (a live update in place or a whole
new snapshot, each in one transaction).

The refresh runs as the job "dashboards.refresh": from the page's button (its owner can retry it) and, every
DASHBOARD_REFRESH_SECONDS, from beat through ``refresh_dashboards``, which runs it in place as a job without an
owner — so a scheduled refresh whose worker died is seen and resumed like any other.
"""

import datetime

from celery import shared_task

from common import jobs
from common.jobs import job_task


def _orphans(job):
    """Snapshots a dead run of this job left 计算中 (written since it started)."""
    from .models import Snapshot

    orphans = Snapshot.objects.filter(status=Snapshot.Status.RUNNING, started_at__gte=job.started_at or job.created_at)
    if job.kwargs.get("campaign_id"):
        orphans = orphans.filter(campaign_id=job.kwargs["campaign_id"])
    return orphans


def _refresh_failed(job) -> None:
    """The refresh ended 失败: its half-written snapshot is marked failed (the pages keep the last finished one)."""
    from .models import Snapshot

    _orphans(job).update(status=Snapshot.Status.FAILED, error=str(job.failure_reason))


def _refresh_again(job) -> bool:
    """Before a resume or a retry: a snapshot left 计算中 by the dead run would make the new run skip."""
    from .models import Snapshot

    _orphans(job).update(status=Snapshot.Status.FAILED, error=str(jobs.INTERRUPTED))
    return True


@job_task("dashboards.refresh", on_failed=_refresh_failed, on_retry=_refresh_again)
def refresh_job(*, campaign_id: int | None = None, day: str | None = None) -> dict:
    """Recompute the dashboard roll-ups of the campaign (the current one by default)."""
    from campaign.models import Campaign

    from .services import refresh

    campaign = Campaign.objects.filter(pk=campaign_id).first() if campaign_id else None
    if campaign_id and campaign is None:
        return {"status": "gone"}
    snapshot = refresh(campaign, today=datetime.date.fromisoformat(day) if day else None)
    if snapshot is None:
        return {"status": "skipped"}
    if snapshot.refreshed_at and snapshot.update_seconds is not None and snapshot.refreshed_at > snapshot.started_at:
        return {"status": snapshot.status, "snapshot": snapshot.pk, "seconds": snapshot.update_seconds, "live": True}
    return {"status": snapshot.status, "snapshot": snapshot.pk, "seconds": snapshot.seconds}


@shared_task(name="dashboards.refresh_dashboards", bind=True)
def refresh_dashboards(self, *, campaign_id: int | None = None, day: str | None = None) -> dict | None:
    """Beat's scheduled refresh: the job "dashboards.refresh" run here as a job without an owner."""
    return jobs.run_inline("dashboards.refresh", heartbeat=not self.request.is_eager, campaign_id=campaign_id, day=day)


def start_refresh(campaign, *, by) -> None:
    """The page's button: a refresh job of ``by`` (published after the commit; an earlier one waiting is
    cancelled, so presses during a broker outage give one refresh, not many)."""
    jobs.enqueue("dashboards.refresh", owner=by, target=campaign, supersede=True, campaign_id=campaign.pk)
