"""The awards app's URLs, grouped by area."""

from django.urls import path

from .views import basic, documents, exemplars, holidays, nominations, public, rounds

app_name = "awards"

urlpatterns = [
    # URLs of the decision, its generated files and the exemplars (area "documents")
    path("documents/", documents.DocumentRoundListView.as_view(), name="document_list"),
    path("issuers/<str:org>/prefix/", documents.IssuerPrefixView.as_view(), name="issuer_prefix"),
    path("rounds/<slug:code>/decision/", documents.DecisionDetailView.as_view(), name="decision"),
    path("rounds/<slug:code>/decision/edit/", documents.DecisionEditView.as_view(), name="decision_edit"),
    path("rounds/<slug:code>/decision/generate/", documents.DecisionGenerateView.as_view(), name="decision_generate"),
    path("rounds/<slug:code>/decision/status/", documents.DecisionStatusView.as_view(), name="decision_status"),
    path("rounds/<slug:code>/decision/decision.pdf", documents.DecisionPdfView.as_view(), name="decision_pdf"),
    path(
        "rounds/<slug:code>/decision/certificates.pdf",
        documents.CertificatesPdfView.as_view(),
        name="decision_certificates",
    ),
    path("rounds/<slug:code>/decision/list.xlsx", documents.ListXlsxView.as_view(), name="decision_xlsx"),
    path("rounds/<slug:code>/exemplars/", exemplars.CommendedListView.as_view(), name="exemplar_list"),
    path(
        "rounds/<slug:code>/exemplars/<int:pk>/designate/",
        exemplars.DesignateView.as_view(),
        name="exemplar_designate",
    ),
    # Before the 公示 page's public/<code>/ (awards/urls.py lists this part first).
    path("public/exemplars/", exemplars.PublicExemplarListView.as_view(), name="public_exemplars"),
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
    # URLs of a basic organization's own commendation (area "basic")
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
    # URLs of the holiday schedule (area "holidays"): the loaded years and the form of one year
    path("holidays/", holidays.HolidayListView.as_view(), name="holiday_list"),
    path("holidays/<int:year>/", holidays.HolidayYearView.as_view(), name="holiday_year"),
]
