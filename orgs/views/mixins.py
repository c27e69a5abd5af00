"""The permission order every portal view follows.

anonymous → login; outside the user's scope → 404 (no leak that the object exists);
inside the scope with the wrong role → 403; else the page.
"""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied

from .. import queries


class RoleRequiredMixin(LoginRequiredMixin):
    """``allowed_roles``: roles that may use the view somewhere in their scope."""

    allowed_roles = queries.ALL_ROLES

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not queries.has_role(request.user, self.allowed_roles):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def require_cover_org(self, org):
        """403 unless one of the user's allowed-role assignments covers ``org``."""
        if not queries.covers(self.request.user, org, self.allowed_roles):
            raise PermissionDenied

    def require_cover_member(self, member):
        if not queries.covers_member(self.request.user, member, self.allowed_roles):
            raise PermissionDenied


class ScopedObjectMixin(LoginRequiredMixin):
    """For views on one object: look it up in the whole visible scope first (404), then
    check the role (403). Subclasses implement ``get_scoped_object``."""

    allowed_roles = queries.ALL_ROLES

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.object = self.get_scoped_object()
        self.check_role(self.object)
        return super().dispatch(request, *args, **kwargs)

    def get_object(self, queryset=None):
        return self.object

    def check_role(self, obj):
        raise NotImplementedError
