def inbox(request):
    """Unread messages for the navigation badge (one indexed count)."""
    user = getattr(request, "user", None)
    if not user or not user.is_authenticated:
        return {}
    from .models import Notification

    return {"inbox_unread": Notification.objects.filter(user=user, read_at__isnull=True).count()}
