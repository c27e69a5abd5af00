from django.urls import path

from ..views import nominations, public, rounds

urlpatterns = [
    path("rounds/", rounds.RoundListView.as_view(), name="round_list"),
    path("rounds/new/", rounds.RoundCreateView.as_view(), name="round_create"),
    path("rounds/<slug:code>/", rounds.RoundDetailView.as_view(), name="round_detail"),
    path("rounds/<slug:code>/edit/", rounds.RoundEditView.as_view(), name="round_edit"),
    path("rounds/<slug:code>/quotas/", rounds.QuotaHomeView.as_view(), name="quota_home"),
    path("rounds/<slug:code>/quotas/<str:org>/", rounds.QuotaView.as_view(), name="quota"),
    path("rounds/<slug:code>/nominate/", nominations.NominationCreateView.as_view(), name="nomination_create"),
    path("rounds/<slug:code>/nominations/", nominations.NominationListView.as_view(), name="nomination_list"),
    path("rounds/<slug:code>/review/", nominations.ReviewHomeView.as_view(), name="review_home"),
    path("rounds/<slug:code>/review/<str:org>/", nominations.ReviewView.as_view(), name="review"),
    path("rounds/<slug:code>/list/", nominations.OwnerListView.as_view(), name="shortlist"),
    path("rounds/<slug:code>/publicity/start/", nominations.PublicityStartView.as_view(), name="publicity_start"),
    path("rounds/<slug:code>/publicity/extend/", nominations.PublicityExtendView.as_view(), name="publicity_extend"),
    path("rounds/<slug:code>/approve/", nominations.ApproveListView.as_view(), name="approve_list"),
    path("nominations/<int:pk>/", nominations.NominationDetailView.as_view(), name="nomination_detail"),
    path(
        "nominations/<int:pk>/forward/",
        nominations.NominationActionView.as_view(action="forward"),
        name="nomination_forward",
    ),
    path(
        "nominations/<int:pk>/reject/",
        nominations.NominationActionView.as_view(action="reject"),
        name="nomination_reject",
    ),
    path(
        "nominations/<int:pk>/withdraw/",
        nominations.NominationActionView.as_view(action="withdraw"),
        name="nomination_withdraw",
    ),
    path(
        "nominations/<int:pk>/discipline/",
        nominations.NominationActionView.as_view(action="discipline"),
        name="nomination_discipline",
    ),
    path("objections/<int:pk>/handle/", nominations.ObjectionHandleView.as_view(), name="objection_handle"),
    path("public/<slug:code>/", public.PublicRoundView.as_view(), name="public"),
]
