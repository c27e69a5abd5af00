from django.urls import path

from ..views.attachments import AttachmentDownloadView

urlpatterns = [
    path("files/<int:pk>/", AttachmentDownloadView.as_view(), name="attachment"),
]
