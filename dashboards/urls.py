from django.urls import path

from . import views

app_name = "dashboards"

urlpatterns = [
    path("", views.IndexView.as_view(), name="index"),
    path("refresh/", views.RefreshView.as_view(), name="refresh"),
    path("<str:code>/", views.DashboardView.as_view(), name="node"),
    path("<str:code>/sectors/", views.SectorView.as_view(), name="sectors"),
    path("<str:code>/lagging/", views.LaggingView.as_view(), name="lagging"),
    path("<str:code>/lagging/xlsx/", views.LaggingView.as_view(), {"fmt": "xlsx"}, name="lagging_xlsx"),
    path("<str:code>/list/<slug:slug>/", views.FigureListView.as_view(), name="list"),
    path("<str:code>/list/<slug:slug>/xlsx/", views.FigureListView.as_view(), {"fmt": "xlsx"}, name="list_xlsx"),
    path("<str:code>/xlsx/<slug:table>/", views.XlsxView.as_view(), name="xlsx"),
    path("<str:code>/summary.pdf", views.PdfView.as_view(), name="pdf"),
]
