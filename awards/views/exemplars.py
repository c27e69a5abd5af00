"""Exemplars from the final list (先进典型, 示范点) and their public page.

"树立先进典型。以受表彰的对象为重点，省、市、县(市、区)分别确定一批……示范点" (seed, part 四, (三)).
The 组织部 of a province, city or county designates commended nominees in its subtree; the public
page (no login) shows the active ones — name, unit, category and profile, never an ID or a phone.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import ListView

from common.views import ServiceFormView
from orgs.views.mixins import ScopedObjectMixin

from ..forms.documents import DesignateForm
from ..models import CommendedExemplar
from ..queries import documents as q
from ..services import exemplars as services

PER_PAGE = 30
PUBLIC_PER_PAGE = 20


class RoundExemplarMixin(ScopedObjectMixin):
    """The round (404 outside the user's reach); 组织部 only (403)."""

    fetch = staticmethod(q.get_round_or_404)
    lookup_kwarg = "code"

    def check_role(self, award_round):
        if not q.rounds_for(self.request.user, roles=q.EXEMPLAR_ROLES).filter(pk=award_round.pk).exists():
            raise PermissionDenied


class CommendedListView(RoundExemplarMixin, ListView):
    """The commended nominees in the user's subtree, with the exemplars designated from them."""

    template_name = "awards/exemplar_list.html"
    context_object_name = "commended"
    paginate_by = PER_PAGE

    def get_queryset(self):
        designations = CommendedExemplar.objects.select_related("exemplar__designated_by_org").order_by("id")
        return q.commended_for(self.request.user, self.object, roles=q.EXEMPLAR_ROLES).prefetch_related(
            Prefetch("exemplars", queryset=designations, to_attr="designations")
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(award_round=self.object, **kwargs)


class DesignateView(RoundExemplarMixin, ServiceFormView):
    template_name = "awards/exemplar_form.html"

    def check_role(self, award_round):
        self.nomination = q.get_commended_or_404(self.request.user, award_round, self.kwargs["pk"])
        self.designating = services.designating_orgs_for(self.request.user, self.nomination)
        if not self.designating:
            raise PermissionDenied

    def get_form(self, form_class=None):
        return DesignateForm(**self.get_form_kwargs(), kinds=services.kinds_for(self.nomination), orgs=self.designating)

    def get_context_data(self, **kwargs):
        return super().get_context_data(award_round=self.object, nomination=self.nomination, **kwargs)

    def get_cancel_url(self):
        return reverse("awards:exemplar_list", args=[self.object.code])

    def perform(self, data):
        return services.designate_commended(
            self.nomination,
            by=self.request.user,
            designated_by_org=data["designated_by"],
            kind=data["kind"],
            profile=data["profile"],
        )

    def get_success_message(self, exemplar):
        return _("已将“%(name)s”确定为先进典型") % {"name": self.nomination.nominee_name}

    def get_success_url(self, exemplar=None):
        return self.get_cancel_url()


class PublicExemplarListView(ListView):
    """先进典型公开栏: no login; name, unit, category and profile only."""

    template_name = "awards/exemplar_public.html"
    context_object_name = "exemplars"
    paginate_by = PUBLIC_PER_PAGE

    def get_queryset(self):
        return q.public_exemplars()
