"""Dashboard tasks: thin, keyword-only ids, safe to run twice (each run writes a whole snapshot)."""

import datetime

from celery import shared_task


@shared_task(name="dashboards.refresh_dashboards")
def refresh_dashboards(*, campaign_id: int | None = None, day: str | None = None) -> dict:
    """Recompute the dashboard roll-ups of the campaign (the current one by default)."""
    from campaign.models import Campaign

    from .services import refresh

    campaign = Campaign.objects.filter(pk=campaign_id).first() if campaign_id else None
    if campaign_id and campaign is None:
        return {"status": "gone"}
    snapshot = refresh(campaign, today=datetime.date.fromisoformat(day) if day else None)
    if snapshot is None:
        return {"status": "skipped"}
    return {"status": snapshot.status, "snapshot": snapshot.pk, "seconds": snapshot.seconds}
