"""Tell people things: the in-app inbox always, e-mail and SMS when asked and possible.

Outgoing e-mail/SMS are stored rows (OutgoingMessage) sent by a background job published after commit,
so a rollback sends nothing, a broker outage delays them (the job waits in the database) and a retried job
sends nothing twice.
"""

from collections.abc import Iterable

from orgs.models import User

from ..enums import Channel
from ..models import Notification, OutgoingMessage
from .delivery import queue_messages

# Messages per send job.
NOTIFY_BATCH = 200


def notify(
    users: Iterable[User],
    *,
    title: str,
    body: str = "",
    url: str = "",
    channels: Iterable[str] = (Channel.INBOX,),
    delivery=None,
) -> list[Notification]:
    """Put a message in each user's inbox, and queue e-mail / SMS for those with an address."""
    users = list({u.pk: u for u in users}.values())
    channels = set(channels)
    notes = Notification.objects.bulk_create(Notification(user=u, title=title, body=body, url=url) for u in users)
    messages = []
    if Channel.EMAIL in channels:
        messages += [
            OutgoingMessage(
                channel=Channel.EMAIL, recipient=u.email, user=u, subject=title, body=body, delivery=delivery
            )
            for u in users
            if u.email
        ]
    if Channel.SMS in channels:
        messages += [
            OutgoingMessage(
                channel=Channel.SMS,
                recipient=u.mobile,
                user=u,
                subject=title,
                body=f"{title}。{body}",
                delivery=delivery,
            )
            for u in users
            if u.mobile
        ]
    if messages:
        created = OutgoingMessage.objects.bulk_create(messages)
        # One send job (common.jobs, the outbox) in this transaction; published after the commit.
        queue_messages([m.pk for m in created], batch=NOTIFY_BATCH)
    return notes
