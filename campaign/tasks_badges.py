"""亮牌示范 task: thin, safe to run twice (a second run finds no flag to change)."""

import datetime

from celery import shared_task


@shared_task(name="campaign.sync_badge_flags")
def sync_badge_flags(*, day: str | None = None) -> int:
    """Daily: members' badge flags follow the register entries whose start or end date has come.

    ``day`` (YYYY-MM-DD) only for replays.
    """
    from .services.badges import sync_badge_flags as sync

    return sync(today=datetime.date.fromisoformat(day) if day else None)
