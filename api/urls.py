from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.permissions import AllowAny

from . import pages, views, views_results, views_work
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
    # milestone fulfilment
    path("v1/milestones/<int:pk>/orgs/", views_work.MilestoneOrgsView.as_view(), name="milestone_orgs"),
    path("v1/milestones/<int:pk>/orgs/<str:code>/done/", views_work.MilestoneMarkView.as_view(), name="milestone_done"),
    path(
        "v1/milestones/<int:pk>/orgs/<str:code>/undone/",
        views_work.MilestoneUnmarkView.as_view(),
        name="milestone_undone",
    ),
    # periods, assessments, tiers
    path("v1/periods/", views_work.PeriodListView.as_view(), name="period_list"),
    path("v1/periods/<slug:code>/tiers/", views_results.TierListView.as_view(), name="tier_list"),
    path("v1/assessments/", views_work.AssessmentListView.as_view(), name="assessment_list"),
    path("v1/assessments/<int:pk>/", views_work.AssessmentDetailView.as_view(), name="assessment_detail"),
    path(
        "v1/assessments/<slug:period>/org/<str:code>/<str:source>/",
        views_work.OrgAssessView.as_view(),
        name="assess_org",
    ),
    path(
        "v1/assessments/<slug:period>/member/<int:pk>/<str:source>/",
        views_work.MemberAssessView.as_view(),
        name="assess_member",
    ),
    # awards
    path("v1/award-rounds/", views_results.RoundListView.as_view(), name="round_list"),
    path("v1/award-rounds/<slug:code>/", views_results.RoundDetailView.as_view(), name="round_detail"),
    path(
        "v1/award-rounds/<slug:code>/nominations/",
        views_results.NominationListView.as_view(),
        name="round_nominations",
    ),
    path("v1/award-rounds/<slug:code>/commended/", views_results.CommendedListView.as_view(), name="commended"),
    path("v1/nominations/<int:pk>/", views_results.NominationDetailView.as_view(), name="nomination_detail"),
    # imports
    path("v1/imports/", views_work.ImportListView.as_view(), name="import_list"),
    path("v1/imports/<int:pk>/", views_work.ImportDetailView.as_view(), name="import_detail"),
    path("v1/imports/<int:pk>/confirm/", views_work.ImportConfirmView.as_view(), name="import_confirm"),
]

urlpatterns = [
    *v1,
    path("schema/", SpectacularAPIView.as_view(permission_classes=[AllowAny]), name="schema"),
    path("docs/", pages.SwaggerView.as_view(url_name="api:schema"), name="swagger"),
    path("redoc/", pages.RedocView.as_view(url_name="api:schema"), name="redoc"),
    path("redoc/redoc.standalone.js", pages.redoc_bundle, name="redoc_bundle"),
    path("tokens/", pages.TokenListView.as_view(), name="tokens"),
    path("tokens/<int:pk>/revoke/", pages.TokenRevokeView.as_view(), name="token_revoke"),
    re_path(r"^.*$", not_found),
]
