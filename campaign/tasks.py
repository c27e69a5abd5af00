"""Campaign tasks: jobs (common.jobs) with keyword-only ids, safe to run twice.

Outgoing e-mail/SMS are stored rows (OutgoingMessage) sent by the job "campaign.send_messages": its job row is
the outbox (written with the messages, published after the commit, re-published by the sweeper while the broker
is down). A message still 待发送 an hour after it was written (a lost retry, a job that ended 失败) is sent again
by the sweeper's ``rescue_stuck_messages``; sending is once-only (campaign.services.delivery), so a second try
never sends twice.
"""

import datetime
import logging

from celery import shared_task
from celery.exceptions import Retry
from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from common import jobs
from common.jobs import job_task

from .services import badges, supervision
from .services.delivery import MAX_ATTEMPTS, TRANSIENT_ERRORS, send_message
from .services.reminders import run_daily_reminders

logger = logging.getLogger(__name__)

# The rescue of stuck messages: one job at a time, for at most this many messages.
RESCUE_TARGET = "campaign.outgoingmessage:stuck"
RESCUE_LIMIT = 2000


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
    return send_message(message_id)


@job_task("campaign.send_messages")
def send_messages(*, message_ids: list[int]) -> dict:
    """Send stored messages (the daily reminders enqueue jobs of 200, not 170,000 tasks).

    A message that fails transiently is handed to ``send_outgoing`` so that it alone is retried with backoff; if
    even that cannot be queued it stays 待发送 for the sweeper's rescue.
    """
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
            except jobs.PUBLISH_ERRORS:
                logger.warning("outgoing message %s left pending: its retry could not be queued", message_id)
        outcome[status] = outcome.get(status, 0) + 1
    return outcome


@job_task("campaign.daily_reminders")
def reminders_job(*, day: str | None = None) -> dict:
    """Today's reminders (campaign.services.reminders); safe to run again after an interruption."""
    return run_daily_reminders(datetime.date.fromisoformat(day) if day else None)


@shared_task(bind=True)
def daily_reminders(self, *, day: str | None = None) -> dict | None:
    """The daily reminder run (scheduled by CELERY_BEAT_SCHEDULE), run here as the job "campaign.daily_reminders"
    without an owner; ``day`` (YYYY-MM-DD) only for replays. The day is fixed now, so that a run resumed after
    midnight still sends that day's reminders."""
    day = day or timezone.localdate().isoformat()
    return jobs.run_inline("campaign.daily_reminders", heartbeat=not self.request.is_eager, day=day)


@jobs.on_sweep
def rescue_stuck_messages(now: datetime.datetime) -> dict:
    """Messages still 待发送 OUTGOING_STUCK_AFTER seconds after they were written get one more send job; at most
    one such job waits or runs, and a new one is made at most every half of that time."""
    from common.models import Job

    from .models import OutgoingMessage

    stuck_after = datetime.timedelta(seconds=settings.OUTGOING_STUCK_AFTER)
    busy = Job.objects.filter(kind="campaign.send_messages", target=RESCUE_TARGET).filter(
        Q(state__in=[Job.State.PENDING, Job.State.RUNNING]) | Q(created_at__gte=now - stuck_after / 2)
    )
    if busy.exists():
        return {}
    stuck = OutgoingMessage.objects.filter(status=OutgoingMessage.Status.PENDING, created_at__lt=now - stuck_after)
    ids = list(stuck.order_by("pk").values_list("pk", flat=True)[:RESCUE_LIMIT])
    if not ids:
        return {}
    jobs.enqueue("campaign.send_messages", target=RESCUE_TARGET, message_ids=ids)
    return {"messages_rescued": len(ids)}


@shared_task(name="campaign.sync_badge_flags")
def sync_badge_flags(*, day: str | None = None) -> int:
    """Daily (亮牌示范): members' badge flags follow the register entries whose start or end date has come. Safe to
    run twice (a second run finds no flag to change).

    ``day`` (YYYY-MM-DD) only for replays.
    """
    return badges.sync_badge_flags(today=datetime.date.fromisoformat(day) if day else None)


@shared_task(name="campaign.escalate_overdue_orders")
def escalate_overdue_orders() -> int:
    """Daily: tell the issuer's superior 组织部 about overdue rectification orders (once per order: the service
    claims each order once)."""
    return supervision.escalate_overdue_orders()
