"""Campaign tasks: thin, keyword-only ids, safe to run twice."""

from celery import shared_task


@shared_task
def send_outgoing(*, message_id: int) -> str:
    """Send one stored e-mail/SMS unless it was already sent (implementation: campaign.services.delivery)."""
    from .services.delivery import send_message

    return send_message(message_id)
