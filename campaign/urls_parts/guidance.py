"""指导小组 URLs, mounted at /campaign/ in the "campaign" namespace."""

from django.urls import path

from ..views import guidance as views

urlpatterns = [
    path("guidance/", views.GuidanceListView.as_view(), name="guidance_list"),
    path("guidance/new/", views.GuidanceCreateView.as_view(), name="guidance_create"),
    path("guidance/<int:pk>/", views.GuidanceDetailView.as_view(), name="guidance_detail"),
    path("guidance/<int:pk>/edit/", views.GuidanceEditView.as_view(), name="guidance_edit"),
    path("guidance/<int:pk>/members/new/", views.GuidanceMemberCreateView.as_view(), name="guidance_member_create"),
    path("guidance/members/<int:pk>/edit/", views.GuidanceMemberEditView.as_view(), name="guidance_member_edit"),
    path("guidance/members/<int:pk>/delete/", views.GuidanceMemberDeleteView.as_view(), name="guidance_member_delete"),
    path("guidance/<int:pk>/points/new/", views.GuidancePointCreateView.as_view(), name="guidance_point_create"),
    path("guidance/points/<int:pk>/delete/", views.GuidancePointDeleteView.as_view(), name="guidance_point_delete"),
]
