"""URLs of 群众评议 (incl. the public answer page), 党性分析报告 and 对标定位."""

from django.urls import path

from ..views import benchmarking, mass, public, reports

urlpatterns = [
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
]
