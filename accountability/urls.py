"""URLs of 述职评议 and 一定三有, mounted at /accountability/ in the "accountability" namespace."""

from django.urls import path

from .views import common, duty, measures

app_name = "accountability"

urlpatterns = [
    path("", common.HomeView.as_view(), name="home"),
    path("duty/", duty.DutyListView.as_view(), name="duty_list"),
    path("duty/missing/", duty.DutyMissingView.as_view(), name="duty_missing"),
    path("duty/new/", duty.DutyStartView.as_view(), name="duty_start"),
    path("duty/<int:pk>/", duty.DutyDetailView.as_view(), name="duty_detail"),
    path("duty/<int:pk>/edit/", duty.DutyEditView.as_view(), name="duty_edit"),
    path("duty/<int:pk>/rate/", duty.DutyRateView.as_view(), name="duty_rate"),
    path("measures/", measures.GridView.as_view(), name="grid"),
    path("measures/items/", measures.ItemListView.as_view(), name="item_list"),
    path("measures/items/new/", measures.ItemCreateView.as_view(), name="item_create"),
    path("measures/items/<int:pk>/edit/", measures.ItemEditView.as_view(), name="item_edit"),
    path("measures/village/<str:code>/", measures.VillageView.as_view(), name="village"),
    path("measures/village/<str:code>/<int:item>/", measures.MeasureRecordView.as_view(), name="measure_record"),
]
