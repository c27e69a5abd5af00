from . import queries
from .enums import Role


def navigation(request):
    """What the navigation shows: links by the roles the user holds."""
    user = getattr(request, "user", None)
    if not user or not user.is_authenticated:
        return {}
    roles = queries.roles_of(user)
    return {
        "nav_roles": roles,
        "nav_can_manage": Role.ORG_DEPARTMENT in roles,
        "nav_can_read_members": bool(roles & queries.READ_MEMBER_ROLES),
    }
