"""Attachments are served only here: the user must see the attachment's organization."""

from django.http import FileResponse, Http404
from django.views import View

from orgs import queries
from orgs.views.mixins import RoleRequiredMixin

from ..models import Attachment


class AttachmentDownloadView(RoleRequiredMixin, View):
    def get(self, request, pk):
        attachment = Attachment.objects.filter(pk=pk).filter(queries.org_scope_q(request.user, prefix="org__")).first()
        if attachment is None:
            raise Http404
        try:
            handle = attachment.file.open("rb")
        except FileNotFoundError:
            raise Http404 from None
        response = FileResponse(
            handle,
            content_type=attachment.content_type,
            as_attachment=not (attachment.is_image or attachment.content_type == "application/pdf"),
            filename=attachment.original_name,
        )
        response["X-Content-Type-Options"] = "nosniff"
        response["Content-Security-Policy"] = "default-src 'none'; sandbox"
        return response
