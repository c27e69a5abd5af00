"""Supervision tasks: thin, safe to run twice (the service claims each order once)."""

from celery import shared_task


@shared_task(name="campaign.escalate_overdue_orders")
def escalate_overdue_orders() -> int:
    """Daily: tell the issuer's superior 组织部 about overdue rectification orders (once per order)."""
    from .services.supervision import escalate_overdue_orders as escalate

    return escalate()
