"""群众工作站: the register of stations per organization, their visits, and closing a visit.

Order of checks on every page: anonymous → login; outside the scope → 404; wrong role → 403.
"""

from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import ListView, TemplateView

from common.errors import refused_page
from common.views import RecordPageFormView, ServiceFormView
from orgs import queries
from orgs.views.mixins import OrgRecordMixin, PagedMixin, PresetOrgMixin, RoleRequiredMixin

from ..forms import stations as forms
from ..queries import stations as mq
from ..services import stations as services

VISITS_SHOWN = 50


def _filtered(form, queryset, apply):
    """``apply(queryset, data)`` when the filter form is valid; an invalid filter (a code outside the scope)
    shows its error at the field and lists nothing."""
    if not form.is_bound:
        return queryset
    if not form.is_valid():
        return queryset.none()
    return apply(queryset, form.cleaned_data)


# --- stations -------------------------------------------------------------------------------------


class StationListView(PagedMixin, RoleRequiredMixin, ListView):
    allowed_roles = mq.READ_ROLES
    template_name = "masswork/station_list.html"

    def get_queryset(self):
        user = self.request.user
        self.filter_form = forms.StationFilterForm(self.request.GET or None, user=user)

        def apply(qs, data):
            if data.get("org"):
                qs = qs.filter(org__path__startswith=data["org"].path)
            if data.get("q"):
                qs = qs.filter(name__contains=data["q"].strip())
            if data.get("active") in ("0", "1"):
                qs = qs.filter(active=data["active"] == "1")
            return qs

        return _filtered(self.filter_form, mq.station_list(user), apply)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            filter_form=self.filter_form, can_write=queries.has_role(self.request.user, mq.WRITE_ROLES), **kwargs
        )


class StationCreateView(PresetOrgMixin, RoleRequiredMixin, ServiceFormView):
    """A new station: for the secretary's own organization when it has one, else picked (``?org=`` or the form)."""

    allowed_roles = mq.WRITE_ROLES
    template_name = "common/form.html"
    title = gettext_lazy("登记群众工作站")

    def may_write(self, org):
        return mq.can_write(self.request.user, org)

    def writable_orgs(self):
        return queries.orgs_for(self.request.user, roles=mq.WRITE_ROLES)

    def get_form(self, form_class=None):
        return forms.StationForm(**self.get_form_kwargs(), user=self.request.user, org=self.org)

    def get_context_data(self, **kwargs):
        return super().get_context_data(org=self.org, **kwargs)

    def get_cancel_url(self):
        return reverse("masswork:station_list")

    def perform(self, data):
        data = dict(data)
        org = data.pop("org", None) or self.org
        return services.create_station(org, by=self.request.user, **data)

    def get_success_message(self, station):
        return _("已登记群众工作站“%(name)s”") % {"name": station.name}

    def get_success_url(self, station):
        return reverse("masswork:station_detail", args=[station.pk])


class StationScopedMixin(OrgRecordMixin):
    allowed_roles = mq.READ_ROLES
    fetch = staticmethod(mq.get_station_or_404)


class StationWriteMixin(StationScopedMixin):
    allowed_roles = mq.WRITE_ROLES


class StationDetailView(StationScopedMixin, TemplateView):
    template_name = "masswork/station_detail.html"

    def get_context_data(self, **kwargs):
        user, station = self.request.user, self.object
        visits = list(
            station.visits.select_related("station__org", "handled_by").order_by("-visited_on", "-id")[:VISITS_SHOWN]
        )
        mq.show_phones(user, visits)
        full = mq.can_see_full_phone(user, station.org)
        return super().get_context_data(
            station=station,
            phone=station.phone if full else station.masked_phone,
            duty_members=list(mq.duty_members(station)),
            visits=visits,
            counts=mq.visit_counts(station.visits.all()),
            can_write=mq.can_write(user, station.org),
            shown=VISITS_SHOWN,
            **kwargs,
        )


class StationEditView(StationWriteMixin, ServiceFormView):
    template_name = "common/form.html"
    success_message = gettext_lazy("已保存修改")

    def get_form(self, form_class=None):
        return forms.StationForm(**self.get_form_kwargs(), instance=self.object, user=self.request.user)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            title=_("修改群众工作站：%(name)s") % {"name": self.object.name}, org=self.object.org, **kwargs
        )

    def get_cancel_url(self):
        return reverse("masswork:station_list")

    def perform(self, data):
        data = dict(data)
        members = data.pop("duty_members")
        return services.update_station(self.object, by=self.request.user, fields=data, duty_members=members)

    def get_success_url(self, station):
        return reverse("masswork:station_detail", args=[self.object.pk])


# --- visits ---------------------------------------------------------------------------------------


class VisitCreateView(StationWriteMixin, ServiceFormView):
    template_name = "common/form.html"

    def get_form(self, form_class=None):
        return forms.VisitForm(**self.get_form_kwargs(), station=self.object)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            title=_("登记来访：%(name)s") % {"name": self.object.name}, org=self.object.org, **kwargs
        )

    def get_cancel_url(self):
        return reverse("masswork:station_list")

    def perform(self, data):
        data = dict(data)
        settle = data.pop("settle", False)
        return services.record_visit(self.object, by=self.request.user, settle=settle, **data)

    def get_success_message(self, visit):
        return _("已登记来访") if not visit.closed else _("已登记来访并办结")

    def get_success_url(self, visit):
        return reverse("masswork:visit_detail", args=[visit.pk])


class VisitListView(PagedMixin, RoleRequiredMixin, ListView):
    allowed_roles = mq.READ_ROLES
    template_name = "masswork/visit_list.html"

    def get_queryset(self):
        user = self.request.user
        params = self.request.GET.copy()
        self.station = None
        station_pk = params.pop("station", [""])[-1]
        if station_pk:
            self.station = mq.get_station_or_404(user, station_pk)
            if not mq.can_read(user, self.station.org):
                raise PermissionDenied
        self.filter_form = forms.VisitFilterForm(params or None, user=user)

        def apply(qs, data):
            if data.get("org"):
                qs = qs.filter(station__org__path__startswith=data["org"].path)
            for field in ("status", "topic"):
                if data.get(field):
                    qs = qs.filter(**{field: data[field]})
            if data.get("since"):
                qs = qs.filter(visited_on__gte=data["since"])
            if data.get("until"):
                qs = qs.filter(visited_on__lte=data["until"])
            return qs

        qs = mq.visit_list(user)
        if self.station is not None:
            qs = qs.filter(station=self.station)
        self.filtered = _filtered(self.filter_form, qs, apply)
        return self.filtered

    def get_context_data(self, **kwargs):
        context = super().get_context_data(
            filter_form=self.filter_form,
            station=self.station,
            counts=mq.visit_counts(self.filtered),
            **kwargs,
        )
        mq.show_phones(self.request.user, context["object_list"])
        return context


class VisitScopedMixin(OrgRecordMixin):
    allowed_roles = mq.READ_ROLES
    fetch = staticmethod(mq.get_visit_or_404)
    org_attr = "station.org"


class VisitWriteMixin(VisitScopedMixin):
    allowed_roles = mq.WRITE_ROLES


class VisitDetailView(VisitScopedMixin, TemplateView):
    template_name = "masswork/visit_detail.html"

    def get_context_data(self, **kwargs):
        user, visit = self.request.user, self.object
        can_write = mq.can_write(user, visit.station.org) and not visit.closed
        if can_write:
            kwargs.setdefault("close_form", forms.CloseVisitForm(visit=visit))
        mq.show_phones(user, [visit])
        return super().get_context_data(visit=visit, can_write=can_write, **kwargs)


class VisitEditView(VisitWriteMixin, ServiceFormView):
    template_name = "common/form.html"
    title = gettext_lazy("修改来访记录")
    success_message = gettext_lazy("已保存修改")

    def get_form(self, form_class=None):
        return forms.VisitForm(**self.get_form_kwargs(), instance=self.object, station=self.object.station)

    def get_context_data(self, **kwargs):
        return super().get_context_data(org=self.object.station.org, **kwargs)

    def get_cancel_url(self):
        return reverse("masswork:visit_list")

    def perform(self, data):
        return services.update_visit(self.object, by=self.request.user, fields=dict(data))

    def get_success_url(self, visit):
        return reverse("masswork:visit_detail", args=[self.object.pk])


class VisitCloseView(VisitWriteMixin, RecordPageFormView):
    """POST 办结 (GET: 405); an invalid or refused one re-renders the visit's page with the error at the field."""

    record_view = VisitDetailView
    form_name = "close_form"
    success_message = gettext_lazy("已办结")

    def get_form(self, form_class=None):
        return forms.CloseVisitForm(**self.get_form_kwargs(), visit=self.object)

    def perform(self, data):
        return services.close_visit(
            self.object, by=self.request.user, closed_on=data["closed_on"], action=data["action"]
        )

    def get_success_url(self, visit):
        return reverse("masswork:visit_detail", args=[self.object.pk])

    def refused(self, error):
        if not hasattr(error, "error_dict"):  # already closed meanwhile: nothing left to fill in
            back = reverse("masswork:visit_detail", args=[self.object.pk])
            return refused_page(self.request, error, back, model=self.get_refusal_model())
        return super().refused(error)
