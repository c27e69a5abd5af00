"""Send one stored e-mail/SMS (``OutgoingMessage``) exactly once.

The row is locked (``SELECT … FOR UPDATE SKIP LOCKED``) while it is sent, so two workers never send it together;
a row already sent is left alone, so a retried or duplicated task sends nothing twice. A transient failure
(connection refused, timeout, gateway busy) is recorded (attempts, last_error) and re-raised for the task to
retry with backoff; a permanent one marks the message failed.
"""

import smtplib

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone

from common import jobs

from .. import sms
from ..enums import Channel
from ..models import OutgoingMessage

# Errors worth retrying: the server or gateway may answer later.
TRANSIENT_ERRORS = (
    ConnectionError,
    TimeoutError,
    smtplib.SMTPConnectError,
    smtplib.SMTPServerDisconnected,
    sms.TransientSMSError,
)
# Tries per message (the first and the task's retries); then the message is marked failed.
MAX_ATTEMPTS = 6


def _send(message: OutgoingMessage) -> None:
    if message.channel == Channel.EMAIL:
        EmailMessage(
            subject=message.subject, body=message.body, from_email=settings.DEFAULT_FROM_EMAIL, to=[message.recipient]
        ).send(fail_silently=False)
    elif message.channel == Channel.SMS:
        sms.send_sms(message.recipient, message.body)
    else:
        raise ValueError(f"unknown channel {message.channel!r}")


def send_message(message_id: int) -> str:
    """Send the message unless it is already sent (or being sent by another worker). Returns what happened."""
    error = None
    with transaction.atomic():
        message = OutgoingMessage.objects.select_for_update(skip_locked=True).filter(pk=message_id).first()
        if message is None:
            # Gone, or locked by a worker sending it right now: either way, not ours to send.
            return "skipped"
        if message.status != OutgoingMessage.Status.PENDING:
            return message.status
        message.attempts += 1
        try:
            _send(message)
        except TRANSIENT_ERRORS as exc:
            message.last_error = f"{type(exc).__name__}: {exc}"[:300]
            if message.attempts >= MAX_ATTEMPTS:
                message.status = OutgoingMessage.Status.FAILED
            else:
                error = exc
        except Exception as exc:  # noqa: BLE001  (anything else is permanent: record it, never resend)
            message.last_error = f"{type(exc).__name__}: {exc}"[:300]
            message.status = OutgoingMessage.Status.FAILED
        else:
            message.status = OutgoingMessage.Status.SENT
            message.sent_at = timezone.now()
            message.last_error = ""
        message.save(update_fields=["status", "attempts", "last_error", "sent_at"])
    if error is not None:
        raise error  # after the commit: attempts and last_error are kept, the task retries
    return message.status


def queue_messages(message_ids: list[int], *, batch: int) -> None:
    """In the transaction that wrote the messages: one send job ("campaign.send_messages", by name) per ``batch``
    ids, written with one INSERT and published after the commit (``jobs.enqueue_many``). Services enqueue by name
    and never import the tasks module."""
    bodies = [{"message_ids": message_ids[start : start + batch]} for start in range(0, len(message_ids), batch)]
    jobs.enqueue_many("campaign.send_messages", bodies)
