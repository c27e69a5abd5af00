from orgs import queries


def navigation(request):
    """Which commendation pages the user's roles may open (the views' own role sets; no query)."""
    user = getattr(request, "user", None)
    if not user or not user.is_authenticated:
        return {}
    from .queries import basic as queries_basic
    from .queries import documents as queries_documents
    from .queries import nominations as queries_nominations

    return {
        "nav_rounds": queries.has_role(user, queries_nominations.READ_ROLES),
        "nav_basic": queries.has_role(user, queries_basic.READ_ROLES),
        "nav_documents": queries.has_role(user, queries_documents.DECISION_READ_ROLES),
    }
