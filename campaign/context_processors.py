from orgs import queries


def inbox(request):
    """Unread messages for the navigation badge (one indexed count) and which campaign pages the
    user's roles may open, decided with the same role sets the views use (no query beyond the count)."""
    user = getattr(request, "user", None)
    if not user or not user.is_authenticated:
        return {}
    from .models import Notification
    from .queries import activities as queries_activities
    from .queries import plans as queries_plans
    from .queries import supervision as queries_supervision

    return {
        "inbox_unread": Notification.objects.filter(user=user, read_at__isnull=True).count(),
        "nav_plans": queries.has_role(user, queries_plans.READ_ROLES),
        "nav_activities": queries.has_role(user, queries_activities.READ_ROLES),
        "nav_supervision": queries.has_role(user, queries_supervision.READ_ROLES),
        "nav_reports": bool(
            queries_activities.province_overview_roots(user) or queries_activities.own_reporting_units(user)
        ),
    }
