"""节假日安排: the years whose State Council holiday schedule is loaded, and the form to enter a year.

Only a data manager (the province's 组织部, or a superuser) opens these pages: anonymous → login,
anybody else → 403. The schedule is national data, not a subtree's: there is no 404 for scope here,
only for a year that cannot be entered (outside 2004 … next year).
"""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from common.views import ServiceFormView

from ..forms.holidays import HolidayYearForm, schedule_text
from ..services import holidays as services


class ScheduleManagerMixin(LoginRequiredMixin):
    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not services.can_manage_schedule(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class HolidayListView(ScheduleManagerMixin, TemplateView):
    template_name = "awards/holiday_list.html"

    def get_context_data(self, **kwargs):
        years = services.year_summaries()
        loaded = {y["row"].year for y in years}
        latest = services.latest_enterable_year()
        missing = [year for year in range(latest, services.FIRST_YEAR - 1, -1) if year not in loaded][:3]
        return super().get_context_data(object_list=years, missing=missing, latest=latest, **kwargs)


class HolidayYearView(ScheduleManagerMixin, ServiceFormView):
    """Enter or correct one year's schedule (all or nothing, with every wrong line named)."""

    template_name = "awards/holiday_form.html"
    form_class = HolidayYearForm

    def dispatch(self, request, *args, **kwargs):
        self.year = kwargs["year"]
        if not services.FIRST_YEAR <= self.year <= services.latest_enterable_year():
            raise Http404("no schedule can be entered for this year")
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        self.schedule = services.year_schedule(self.year)
        return schedule_text(self.schedule) if self.schedule.row else {}

    def get_context_data(self, **kwargs):
        if not hasattr(self, "schedule"):
            self.schedule = services.year_schedule(self.year)
        return super().get_context_data(year=self.year, schedule=self.schedule, **kwargs)

    def get_cancel_url(self):
        return reverse("awards:holiday_list")

    def perform(self, data):
        return services.enter_year(
            self.year,
            by=self.request.user,
            holidays=data["holidays"],
            workdays=data["workdays"],
            notice=data["notice"],
        )

    def get_success_message(self, result):
        return _("已录入%(year)s年节假日安排") % {"year": self.year}

    def get_success_url(self, result=None):
        return self.get_cancel_url()
