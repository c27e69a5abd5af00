"""URLs of the holiday schedule (area "holidays"): the loaded years and the form of one year."""

from django.urls import path

from ..views import holidays

urlpatterns = [
    path("holidays/", holidays.HolidayListView.as_view(), name="holiday_list"),
    path("holidays/<int:year>/", holidays.HolidayYearView.as_view(), name="holiday_year"),
]
