"""Writes on the in-app inbox: a user marks their own messages read."""

from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet
from django.utils import timezone

from orgs.models import User

from ..models import Notification


def notifications_for(user: User) -> QuerySet[Notification]:
    """Only one's own messages, unread first, then newest first."""
    unread = ExpressionWrapper(Q(read_at__isnull=True), output_field=BooleanField())
    return Notification.objects.filter(user=user).order_by(unread.desc(), "-created_at", "-pk")


def mark_read(notification: Notification) -> None:
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=notification.read_at)


def mark_all_read(user: User) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).update(read_at=timezone.now())


def mark_read_about(by, url: str) -> int:
    """``by`` has done what his inbox messages about the object at ``url`` asked (reviewed the report, decided
    the plan, forwarded the nomination, resubmitted what came back): those messages are read. The one rule for
    every service that acts on an object its messages link to; only ``by``'s own messages, and nothing for the
    portal itself (``SYSTEM``). Call it before telling others, so a message the action sends stays unread."""
    if not url or getattr(by, "pk", None) is None:
        return 0
    return Notification.objects.filter(user_id=by.pk, url=url, read_at__isnull=True).update(read_at=timezone.now())
