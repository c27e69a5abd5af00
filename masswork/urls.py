"""URLs of 群众工作, in the "masswork" namespace, mounted at the site's root: the 群众工作站 register under
/masswork/, the registers of 党员联系户, 干群恳谈会 and 矛盾纠纷 under /campaign/masses/ (their addresses from the
time they were part of the campaign app)."""

from django.urls import include, path

from .views import masses, stations

app_name = "masswork"

station_patterns = [
    path("stations/", stations.StationListView.as_view(), name="station_list"),
    path("stations/new/", stations.StationCreateView.as_view(), name="station_create"),
    path("stations/<int:pk>/", stations.StationDetailView.as_view(), name="station_detail"),
    path("stations/<int:pk>/edit/", stations.StationEditView.as_view(), name="station_edit"),
    path("stations/<int:pk>/visits/new/", stations.VisitCreateView.as_view(), name="visit_create"),
    path("visits/", stations.VisitListView.as_view(), name="visit_list"),
    path("visits/<int:pk>/", stations.VisitDetailView.as_view(), name="visit_detail"),
    path("visits/<int:pk>/edit/", stations.VisitEditView.as_view(), name="visit_edit"),
    path("visits/<int:pk>/close/", stations.VisitCloseView.as_view(), name="visit_close"),
]

masses_patterns = [
    path("", masses.MassesHomeView.as_view(), name="masses"),
    path("households/", masses.HouseholdListView.as_view(), name="household_list"),
    path("households/new/", masses.HouseholdCreateView.as_view(), name="household_create"),
    path("households/no-contact/", masses.NoContactView.as_view(), name="household_no_contact"),
    path("households/<int:pk>/", masses.HouseholdDetailView.as_view(), name="household_detail"),
    path("households/<int:pk>/edit/", masses.HouseholdEditView.as_view(), name="household_edit"),
    path("households/<int:pk>/services/", masses.ServiceCreateView.as_view(), name="household_service"),
    path("meetings/", masses.MeetingListView.as_view(), name="meeting_list"),
    path("meetings/new/", masses.MeetingCreateView.as_view(), name="meeting_create"),
    path("meetings/<int:pk>/", masses.MeetingDetailView.as_view(), name="meeting_detail"),
    path("disputes/", masses.DisputeListView.as_view(), name="dispute_list"),
    path("disputes/new/", masses.DisputeCreateView.as_view(), name="dispute_create"),
    path("disputes/stats/", masses.DisputeStatsView.as_view(), name="dispute_stats"),
    path("disputes/<int:pk>/", masses.DisputeDetailView.as_view(), name="dispute_detail"),
    path("disputes/<int:pk>/steps/", masses.DisputeStepView.as_view(), name="dispute_step"),
    path("disputes/<int:pk>/outcome/", masses.DisputeOutcomeView.as_view(), name="dispute_outcome"),
]

urlpatterns = [
    path("masswork/", include(station_patterns)),
    path("campaign/masses/", include(masses_patterns)),
]
