from orgs import queries


def navigation(request):
    """Whether the user's roles open 联系服务群众 (the views' own role set; no query)."""
    user = getattr(request, "user", None)
    if not user or not user.is_authenticated:
        return {}
    from .queries import masses as queries_masses

    return {"nav_masses": queries.has_role(user, queries_masses.HOUSEHOLD_ROLES)}
