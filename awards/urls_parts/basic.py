"""URLs of a basic organization's own commendation (area "basic")."""

from django.urls import path

from ..views import basic

urlpatterns = [
    path("basic/", basic.BasicListView.as_view(), name="basic_list"),
    path("basic/new/", basic.BasicCreateView.as_view(), name="basic_create"),
    path("basic/<int:pk>/", basic.BasicDetailView.as_view(), name="basic_detail"),
    path("basic/<int:pk>/edit/", basic.BasicEditView.as_view(), name="basic_edit"),
    path("basic/<int:pk>/awards/new/", basic.AwardAddView.as_view(), name="basic_award_add"),
    path("basic/<int:pk>/publicity/", basic.PublicityStartView.as_view(), name="basic_publicity"),
    path("basic/<int:pk>/announce/", basic.AnnounceView.as_view(), name="basic_announce"),
    path("basic/<int:pk>/annul/", basic.AnnulView.as_view(), name="basic_annul"),
    path("basic/awards/<int:pk>/remove/", basic.AwardRemoveView.as_view(), name="basic_award_remove"),
    path("basic/awards/<int:pk>/annul/", basic.AwardAnnulView.as_view(), name="basic_award_annul"),
    path("public/basic/<int:pk>/", basic.PublicNoticeView.as_view(), name="public_basic"),
]
