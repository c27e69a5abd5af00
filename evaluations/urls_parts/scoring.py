"""URLs of the scoring area: assessments, criteria sets, weights, tiers, 晋档升级."""

from django.urls import path

from ..views import scoring as views

urlpatterns = [
    path("", views.ScoringHomeView.as_view(), name="scoring_home"),
    path("assess/<slug:period>/org/<str:code>/<str:source>/", views.OrgAssessView.as_view(), name="scoring_assess_org"),
    path(
        "assess/<slug:period>/member/<int:pk>/<str:source>/",
        views.MemberAssessView.as_view(),
        name="scoring_assess_member",
    ),
    path("assessments/<int:pk>/", views.AssessmentDetailView.as_view(), name="scoring_assessment_detail"),
    path("criteria/", views.CriteriaListView.as_view(), name="scoring_criteria_list"),
    path("criteria/<int:pk>/", views.CriteriaDetailView.as_view(), name="scoring_criteria_detail"),
    path("criteria/<int:pk>/copy/", views.CriteriaCopyView.as_view(), name="scoring_criteria_copy"),
    path("criteria/<int:pk>/edit/", views.CriteriaEditView.as_view(), name="scoring_criteria_edit"),
    path("weights/", views.WeightsView.as_view(), name="scoring_weights"),
    path("tiers/", views.TierListView.as_view(), name="scoring_tiers"),
    path("tiers/compute/", views.TierComputeView.as_view(), name="scoring_tier_compute"),
    path("tiers/stats/", views.TierStatsView.as_view(), name="scoring_tier_stats"),
    path("tiers/movement/", views.TierMovementView.as_view(), name="scoring_tier_movement"),
    path("tiers/runs/<int:pk>/progress/", views.TierRunView.as_view(), name="scoring_tier_run"),
    path("tiers/<slug:period>/<str:code>/", views.TierDetailView.as_view(), name="scoring_tier_detail"),
    path("targets/", views.TargetView.as_view(), name="scoring_targets"),
]
