from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.permissions import AllowAny

from . import pages
from .exceptions import not_found
from .views import core, results, work

app_name = "api"

# Version 1 of the API, under /api/v1/.
v1 = [
    path("me/", core.MeView.as_view(), name="me"),
    path("organizations/", core.OrgListView.as_view(), name="org_list"),
    path("organizations/roots/", core.OrgRootsView.as_view(), name="org_roots"),
    path("organizations/<str:code>/", core.OrgDetailView.as_view(), name="org_detail"),
    path("organizations/<str:code>/children/", core.OrgChildrenView.as_view(), name="org_children"),
    path("members/", core.MemberListView.as_view(), name="member_list"),
    path("members/<int:pk>/", core.MemberDetailView.as_view(), name="member_detail"),
    path("members/<int:pk>/id-number/", core.MemberIdNumberView.as_view(), name="member_id_number"),
    path("campaigns/", core.CampaignListView.as_view(), name="campaign_list"),
    path("campaigns/<str:code>/", core.CampaignDetailView.as_view(), name="campaign_detail"),
    path("plans/", core.PlanListView.as_view(), name="plan_list"),
    path("plans/<int:pk>/", core.PlanDetailView.as_view(), name="plan_detail"),
    path("plans/<int:pk>/submit/", core.PlanSubmitView.as_view(), name="plan_submit"),
    path("plans/<int:pk>/approve/", core.PlanApproveView.as_view(), name="plan_approve"),
    path("plans/<int:pk>/return/", core.PlanReturnView.as_view(), name="plan_return"),
    path("dashboards/<str:code>/", core.DashboardView.as_view(), name="dashboard"),
    # milestone fulfilment
    path("milestones/<int:pk>/orgs/", work.MilestoneOrgsView.as_view(), name="milestone_orgs"),
    path("milestones/<int:pk>/orgs/<str:code>/done/", work.MilestoneMarkView.as_view(), name="milestone_done"),
    path(
        "milestones/<int:pk>/orgs/<str:code>/undone/",
        work.MilestoneUnmarkView.as_view(),
        name="milestone_undone",
    ),
    # periods, assessments, tiers
    path("periods/", work.PeriodListView.as_view(), name="period_list"),
    path("periods/<slug:code>/tiers/", results.TierListView.as_view(), name="tier_list"),
    path("assessments/", work.AssessmentListView.as_view(), name="assessment_list"),
    path("assessments/<int:pk>/", work.AssessmentDetailView.as_view(), name="assessment_detail"),
    path(
        "assessments/<slug:period>/org/<str:code>/<str:source>/",
        work.OrgAssessView.as_view(),
        name="assess_org",
    ),
    path(
        "assessments/<slug:period>/member/<int:pk>/<str:source>/",
        work.MemberAssessView.as_view(),
        name="assess_member",
    ),
    # awards
    path("award-rounds/", results.RoundListView.as_view(), name="round_list"),
    path("award-rounds/<slug:code>/", results.RoundDetailView.as_view(), name="round_detail"),
    path(
        "award-rounds/<slug:code>/nominations/",
        results.NominationListView.as_view(),
        name="round_nominations",
    ),
    path("award-rounds/<slug:code>/commended/", results.CommendedListView.as_view(), name="commended"),
    path("nominations/<int:pk>/", results.NominationDetailView.as_view(), name="nomination_detail"),
    # imports
    path("imports/", work.ImportListView.as_view(), name="import_list"),
    path("imports/<int:pk>/", work.ImportDetailView.as_view(), name="import_detail"),
    path("imports/<int:pk>/confirm/", work.ImportConfirmView.as_view(), name="import_confirm"),
]

urlpatterns = [
    path("v1/", include(v1)),
    path("schema/", SpectacularAPIView.as_view(permission_classes=[AllowAny]), name="schema"),
    path("docs/", pages.SwaggerView.as_view(url_name="api:schema"), name="swagger"),
    path("redoc/", pages.RedocView.as_view(url_name="api:schema"), name="redoc"),
    path("redoc/redoc.standalone.js", pages.redoc_bundle, name="redoc_bundle"),
    path("tokens/", pages.TokenListView.as_view(), name="tokens"),
    path("tokens/<int:pk>/revoke/", pages.TokenRevokeView.as_view(), name="token_revoke"),
    re_path(r"^.*$", not_found),
]
