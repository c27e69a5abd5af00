from django import forms
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from common.views import ServiceFormView
from orgs import queries
from orgs.views.mixins import RoleRequiredMixin

from ..models import Period
from ..services import periods as period_services

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PeriodForm(forms.ModelForm):
    class Meta:
        model = Period
        fields = ["name", "code", "start_date", "end_date", "campaign"]
        widgets = {"start_date": DATE, "end_date": DATE}
        help_texts = {"code": gettext_lazy("字母、数字和连字符，如 2011-annual")}

    def clean(self):
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", gettext_lazy("结束日期不能早于开始日期"))
        return data


class PeriodListView(RoleRequiredMixin, ServiceFormView):
    """The periods, and (for the province's 组织部) a form to open a new one."""

    allowed_roles = queries.ALL_ROLES
    template_name = "evaluations/period_list.html"
    form_class = PeriodForm

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            object_list=Period.objects.select_related("campaign").order_by("-start_date"),
            can_open=period_services.can_open_periods(self.request.user),
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        if not period_services.can_open_periods(request.user):
            raise PermissionDenied
        return super().post(request, *args, **kwargs)

    def get_cancel_url(self):
        return ""  # the form sits below the list it adds to

    def perform(self, data):
        return period_services.create_period(by=self.request.user, **data)

    def get_success_message(self, period):
        return _("已设立考核期间“%(name)s”") % {"name": period.name}

    def get_success_url(self, period=None):
        return reverse("evaluations:period_list")
