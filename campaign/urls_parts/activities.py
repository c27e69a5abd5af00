from django.urls import path

from ..views import activities, reports

urlpatterns = [
    path("activities/", activities.ActivityListView.as_view(), name="activity_list"),
    path("activities/new/", activities.ActivityCreateView.as_view(), name="activity_create"),
    path("activities/<int:pk>/", activities.ActivityDetailView.as_view(), name="activity_detail"),
    path("activities/<int:pk>/edit/", activities.ActivityEditView.as_view(), name="activity_edit"),
    path("activities/<int:pk>/delete/", activities.ActivityDeleteView.as_view(), name="activity_delete"),
    path("reports/", reports.ReportListView.as_view(), name="report_list"),
    # the register of 省直 reporting bodies (before reports/<code>/, which would take "units")
    path("reports/units/", reports.ReportingBodyListView.as_view(), name="report_units"),
    path("reports/units/system/", reports.RegisterSystemCommitteesView.as_view(), name="report_units_system"),
    path("reports/units/<int:pk>/delete/", reports.ReportingBodyDeleteView.as_view(), name="report_unit_delete"),
    path("reports/<str:code>/", reports.ReportDetailView.as_view(), name="report_detail"),
]
