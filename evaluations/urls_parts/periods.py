from django.urls import path

from ..views.periods import PeriodListView

urlpatterns = [
    path("periods/", PeriodListView.as_view(), name="period_list"),
]
