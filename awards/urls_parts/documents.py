"""URLs of the decision, its generated files and the exemplars (area "documents")."""

from django.urls import path

from ..views import documents, exemplars

urlpatterns = [
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
]
