"""Campaign tasks: thin, keyword-only ids, safe to run twice."""

import datetime
import logging

from celery import shared_task
from celery.exceptions import Retry

from .services.delivery import MAX_ATTEMPTS, TRANSIENT_ERRORS

logger = logging.getLogger(__name__)


@shared_task(
    autoretry_for=TRANSIENT_ERRORS,
    max_retries=MAX_ATTEMPTS - 1,
    retry_backoff=30,
    retry_backoff_max=3600,
    retry_jitter=True,
)
def send_outgoing(*, message_id: int) -> str:
    """Send one stored e-mail/SMS unless it was already sent (campaign.services.delivery).

    Only connection-type errors are retried (with exponential backoff); anything else marks the message failed.
    """
    from .services.delivery import send_message

    return send_message(message_id)


@shared_task
def send_outgoing_batch(*, message_ids: list[int]) -> dict:
    """Send many stored messages (the daily reminders enqueue hundreds, not 170,000 tasks).

    A message that fails transiently is handed to ``send_outgoing`` so that it alone is retried with backoff.
    """
    from .services.delivery import send_message

    outcome: dict[str, int] = {}
    for message_id in message_ids:
        try:
            status = send_message(message_id)
        except TRANSIENT_ERRORS:
            status = "retrying"
            try:
                send_outgoing.apply_async(kwargs={"message_id": message_id}, countdown=30)
            except Retry:  # eager mode (no broker): the message stays pending; the others still go out
                logger.warning("outgoing message %s left pending after a transient error", message_id)
        outcome[status] = outcome.get(status, 0) + 1
    return outcome


@shared_task
def daily_reminders(*, day: str | None = None) -> dict:
    """The daily reminder run (scheduled by CELERY_BEAT_SCHEDULE); ``day`` (YYYY-MM-DD) only for replays."""
    from .services.reminders import run_daily_reminders

    return run_daily_reminders(datetime.date.fromisoformat(day) if day else None)


from .tasks_badges import sync_badge_flags  # noqa: E402,F401  (registers the 亮牌示范 task)
from .tasks_supervision import escalate_overdue_orders  # noqa: E402,F401  (registers the supervision task)
