"""Tell people things: the in-app inbox always, e-mail and SMS when asked and possible.

Outgoing e-mail/SMS are stored rows (OutgoingMessage) sent by a task after commit, so a rollback
sends nothing and a retried task sends nothing twice.
"""

from collections.abc import Iterable

from django.db import transaction

from orgs.models import User

from ..enums import Channel
from ..models import Notification, OutgoingMessage


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
        ids = [m.pk for m in created]

        def enqueue():
            from ..tasks import send_outgoing

            for pk in ids:
                send_outgoing.delay(message_id=pk)

        transaction.on_commit(enqueue)
    return notes
