"""The API's first gate, as the portal's ``RoleRequiredMixin``: a signed-in account holding some role.

Anonymous → 401; an account without any role (e.g. one whose roles were withdrawn after its token was made)
→ 403. Each view then follows the UI's order: outside the scope → 404, wrong role inside it → 403.
"""

from django.utils.translation import gettext_lazy as _
from rest_framework import permissions

from orgs import queries


class HasPortalRole(permissions.BasePermission):
    message = _("您的账号没有任何角色，不能使用接口")

    def has_permission(self, request, view):
        user = request.user
        if not (user and user.is_authenticated):
            return False
        roles = getattr(view, "allowed_roles", None)
        return queries.has_role(user, roles)


class IsSignedIn(permissions.IsAuthenticated):
    """Only signed in (token self-service, the schema)."""
