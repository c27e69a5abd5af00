"""What the pages of both halves share: the node a page looks at, filtering."""

from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from orgs import queries
from orgs.views.mixins import RoleRequiredMixin

from .. import queries as aq


def top_node(user):
    """Where a list starts when no organization is chosen: the user's highest reading node."""
    tops = queries.top_orgs(user, aq.READ_ROLES)
    return tops[0] if tops else None


def cleaned(form) -> dict:
    """The filter's values; {} when unbound; None when invalid (a code outside the scope: the field says so)."""
    if not form.is_bound:
        return {}
    return form.cleaned_data if form.is_valid() else None


class HomeView(RoleRequiredMixin, TemplateView):
    """述职评议与一定三有: what the user can open here."""

    allowed_roles = aq.READ_ROLES
    template_name = "accountability/home.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        return super().get_context_data(
            can_write_duty=queries.has_role(user, aq.DUTY_WRITE_ROLES),
            can_define=aq.item_scopes(user).exists(),
            title=_("述职评议与一定三有"),
            **kwargs,
        )
