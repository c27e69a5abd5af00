"""URLs of the 亮牌示范 register and 佩戴党徽; mounted at /campaign/ in the "campaign" namespace."""

from django.urls import path

from ..views import badges

urlpatterns = [
    path("badges/", badges.BadgeListView.as_view(), name="badge_list"),
    path("badges/export/", badges.BadgeExportView.as_view(), name="badge_export"),
    path("badges/new/", badges.BadgeCreateView.as_view(), name="badge_create"),
    path("badges/<int:pk>/", badges.BadgeDetailView.as_view(), name="badge_detail"),
    path("badges/<int:pk>/edit/", badges.BadgeEditView.as_view(), name="badge_edit"),
    path("badges/<int:pk>/end/", badges.BadgeEndView.as_view(), name="badge_end"),
    path("badges/wearing/", badges.WearingListView.as_view(), name="badge_wearing"),
    path("badges/wearing/new/", badges.WearingRecordView.as_view(), name="badge_wearing_record"),
]
