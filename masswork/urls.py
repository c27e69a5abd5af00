"""URLs of the 群众工作站 register, mounted at /masswork/ in the "masswork" namespace."""

from django.urls import path

from . import views

app_name = "masswork"

urlpatterns = [
    path("stations/", views.StationListView.as_view(), name="station_list"),
    path("stations/new/", views.StationCreateView.as_view(), name="station_create"),
    path("stations/<int:pk>/", views.StationDetailView.as_view(), name="station_detail"),
    path("stations/<int:pk>/edit/", views.StationEditView.as_view(), name="station_edit"),
    path("stations/<int:pk>/visits/new/", views.VisitCreateView.as_view(), name="visit_create"),
    path("visits/", views.VisitListView.as_view(), name="visit_list"),
    path("visits/<int:pk>/", views.VisitDetailView.as_view(), name="visit_detail"),
    path("visits/<int:pk>/edit/", views.VisitEditView.as_view(), name="visit_edit"),
    path("visits/<int:pk>/close/", views.VisitCloseView.as_view(), name="visit_close"),
]
