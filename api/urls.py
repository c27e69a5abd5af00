from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.permissions import AllowAny

from . import pages, views
from .exceptions import not_found

app_name = "api"

v1 = [
    path("v1/me/", views.MeView.as_view(), name="me"),
    path("v1/organizations/", views.OrgListView.as_view(), name="org_list"),
    path("v1/organizations/roots/", views.OrgRootsView.as_view(), name="org_roots"),
    path("v1/organizations/<str:code>/", views.OrgDetailView.as_view(), name="org_detail"),
    path("v1/organizations/<str:code>/children/", views.OrgChildrenView.as_view(), name="org_children"),
    path("v1/members/", views.MemberListView.as_view(), name="member_list"),
    path("v1/members/<int:pk>/", views.MemberDetailView.as_view(), name="member_detail"),
    path("v1/members/<int:pk>/id-number/", views.MemberIdNumberView.as_view(), name="member_id_number"),
    path("v1/campaigns/", views.CampaignListView.as_view(), name="campaign_list"),
    path("v1/campaigns/<str:code>/", views.CampaignDetailView.as_view(), name="campaign_detail"),
    path("v1/plans/", views.PlanListView.as_view(), name="plan_list"),
    path("v1/plans/<int:pk>/", views.PlanDetailView.as_view(), name="plan_detail"),
    path("v1/plans/<int:pk>/submit/", views.PlanSubmitView.as_view(), name="plan_submit"),
    path("v1/plans/<int:pk>/approve/", views.PlanApproveView.as_view(), name="plan_approve"),
    path("v1/plans/<int:pk>/return/", views.PlanReturnView.as_view(), name="plan_return"),
    path("v1/dashboards/<str:code>/", views.DashboardView.as_view(), name="dashboard"),
]

urlpatterns = [
    *v1,
    path("schema/", SpectacularAPIView.as_view(permission_classes=[AllowAny]), name="schema"),
    path("docs/", pages.SwaggerView.as_view(url_name="api:schema"), name="swagger"),
    path("redoc/", pages.RedocView.as_view(url_name="api:schema"), name="redoc"),
    path("tokens/", pages.TokenListView.as_view(), name="tokens"),
    path("tokens/<int:pk>/revoke/", pages.TokenRevokeView.as_view(), name="token_revoke"),
    re_path(r"^.*$", not_found),
]
