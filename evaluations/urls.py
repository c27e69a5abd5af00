"""The evaluations app's URLs, grouped by area."""

from django.urls import path

from .views import benchmarking, criteria, mass, members, periods, public, reports, scoring, tiers

app_name = "evaluations"

urlpatterns = [
    # URLs of the scoring area: assessments, criteria sets, weights, tiers, 晋档升级
    path("", scoring.ScoringHomeView.as_view(), name="scoring_home"),
    path(
        "assess/<slug:period>/org/<str:code>/<str:source>/", scoring.OrgAssessView.as_view(), name="scoring_assess_org"
    ),
    path(
        "assess/<slug:period>/member/<int:pk>/<str:source>/",
        scoring.MemberAssessView.as_view(),
        name="scoring_assess_member",
    ),
    path("assessments/<int:pk>/", scoring.AssessmentDetailView.as_view(), name="scoring_assessment_detail"),
    path("criteria/", criteria.CriteriaListView.as_view(), name="scoring_criteria_list"),
    path("criteria/<int:pk>/", criteria.CriteriaDetailView.as_view(), name="scoring_criteria_detail"),
    path("criteria/<int:pk>/copy/", criteria.CriteriaCopyView.as_view(), name="scoring_criteria_copy"),
    path("criteria/<int:pk>/edit/", criteria.CriteriaEditView.as_view(), name="scoring_criteria_edit"),
    path("weights/", criteria.WeightsView.as_view(), name="scoring_weights"),
    path("tiers/", tiers.TierListView.as_view(), name="scoring_tiers"),
    path("tiers/compute/", tiers.TierComputeView.as_view(), name="scoring_tier_compute"),
    path("tiers/stats/", tiers.TierStatsView.as_view(), name="scoring_tier_stats"),
    path("tiers/movement/", tiers.TierMovementView.as_view(), name="scoring_tier_movement"),
    path("tiers/runs/<int:pk>/progress/", tiers.TierRunView.as_view(), name="scoring_tier_run"),
    path("tiers/<slug:period>/<str:code>/", tiers.TierDetailView.as_view(), name="scoring_tier_detail"),
    path("targets/", tiers.TargetView.as_view(), name="scoring_targets"),
    # URLs of 群众评议 (incl. the public answer page), 党性分析报告 and 对标定位
    # 群众评议
    path("mass/", mass.MassIndexView.as_view(), name="mass_index"),
    path("mass/batches/", mass.BatchListView.as_view(), name="mass_batch_list"),
    path("mass/batches/new/", mass.BatchCreateView.as_view(), name="mass_batch_create"),
    path("mass/batches/<int:pk>/", mass.BatchDetailView.as_view(), name="mass_batch"),
    path("mass/batches/<int:pk>/status/", mass.BatchStatusView.as_view(), name="mass_batch_status"),
    path("mass/batches/<int:pk>/sheet.pdf", mass.BatchSheetView.as_view(), name="mass_batch_sheet"),
    path("mass/batches/<int:pk>/sheet/delete/", mass.BatchSheetDeleteView.as_view(), name="mass_batch_sheet_delete"),
    path("mass/batches/<int:pk>/tally/", mass.TallyView.as_view(), name="mass_tally"),
    path("mass/batches/<int:pk>/close/", mass.BatchCloseView.as_view(), name="mass_batch_close"),
    # the public page (no account)
    path("m/", public.MassEnterView.as_view(), name="mass_enter"),
    path("m/thanks/", public.MassThanksView.as_view(), name="mass_thanks"),
    path("m/<path:token>/", public.MassAnswerView.as_view(), name="mass_answer"),
    # 党性分析报告
    path("reports/", reports.ReportListView.as_view(), name="report_list"),
    path("reports/mine/", reports.MyReportView.as_view(), name="report_mine"),
    path("reports/<int:pk>/", reports.ReportDetailView.as_view(), name="report_detail"),
    # 对标定位
    path("exemplars/", benchmarking.ExemplarListView.as_view(), name="exemplar_list"),
    path("exemplars/new/", benchmarking.ExemplarCreateView.as_view(), name="exemplar_create"),
    path("exemplars/<int:pk>/", benchmarking.ExemplarDetailView.as_view(), name="exemplar_detail"),
    path("exemplars/<int:pk>/edit/", benchmarking.ExemplarEditView.as_view(), name="exemplar_edit"),
    path("benchmarks/", benchmarking.BenchmarkListView.as_view(), name="benchmark_list"),
    path("benchmarks/new/", benchmarking.BenchmarkCreateView.as_view(), name="benchmark_create"),
    path("benchmarks/overdue/", benchmarking.OverdueMeasuresView.as_view(), name="measure_overdue"),
    path("benchmarks/<int:pk>/", benchmarking.BenchmarkDetailView.as_view(), name="benchmark_detail"),
    path("benchmarks/<int:pk>/measures/", benchmarking.MeasureCreateView.as_view(), name="measure_create"),
    path("measures/<int:pk>/progress/", benchmarking.ProgressCreateView.as_view(), name="measure_progress"),
    # URLs of the branch's work on its members and the member's own self-assessment
    path("my/assessment/", members.MyAssessmentView.as_view(), name="my_assessment"),
    path("branch/<str:org_code>/members/", members.BranchMembersView.as_view(), name="branch_members"),
    path(
        "branch/<str:org_code>/members/release/",
        members.BranchReleaseView.as_view(),
        name="branch_members_release",
    ),
    path(
        "branch/<str:org_code>/members/<int:member_id>/rating/",
        members.MemberRatingView.as_view(),
        name="member_rating",
    ),
    path(
        "reports/participation/<str:org_code>/",
        members.ParticipationView.as_view(),
        name="report_participation",
    ),
    path(
        "reports/participation/remove/<int:pk>/",
        members.ParticipationRemoveView.as_view(),
        name="report_participation_remove",
    ),
    path("periods/", periods.PeriodListView.as_view(), name="period_list"),
]
