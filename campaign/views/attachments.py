"""Attachments are served only here: the user must see the attachment's organization, and may read its owner."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.views import View

from common.views import SANDBOXED, stored_file_response
from orgs import queries
from orgs.views.mixins import RoleRequiredMixin

from .. import attachment_owners
from ..models import (
    ActivityRecord,
    Attachment,
    FulfilmentRecord,
    ImplementationReport,
    Inspection,
    RectificationResponse,
    Story,
)
from ..queries import activities as qa
from ..queries import plans as qp
from ..queries import supervision as sq


def _activity(user, pk):
    record = qa.get_activity_or_404(user, pk)
    return queries.covers(user, record.org, qa.READ_ROLES)


def _fulfilment(user, pk):
    record = FulfilmentRecord.objects.filter(pk=pk).only("commitment_id").first()
    if record is None:
        raise Http404
    return qp.can_read_commitment(user, qp.get_commitment_or_404(user, record.commitment_id))


def _inspection(user, pk):
    return sq.can_read_inspection(user, sq.get_inspection_or_404(user, pk))


def _response(user, pk):
    response = RectificationResponse.objects.filter(pk=pk).only("order_id").first()
    if response is None:
        raise Http404
    return sq.can_read_addressed(user, sq.get_order_or_404(user, response.order_id).org)


def _report(user, pk):
    report = ImplementationReport.objects.filter(pk=pk).select_related("org").first()
    if report is None:
        raise Http404
    return qa.can_read_reports(user, report.org)


def _story(user, pk):
    story = qa.get_story_or_404(user, pk)
    return queries.covers(user, story.org, qa.READ_ROLES)


# Campaign's own owner models; other apps register theirs from AppConfig.ready() (campaign.attachment_owners).
for _model, _check in (
    (ActivityRecord, _activity),
    (FulfilmentRecord, _fulfilment),
    (Inspection, _inspection),
    (RectificationResponse, _response),
    (ImplementationReport, _report),
    (Story, _story),
):
    attachment_owners.register(_model, _check)


class AttachmentDownloadView(RoleRequiredMixin, View):
    def get(self, request, pk):
        attachment = (
            Attachment.objects.filter(pk=pk)
            .filter(queries.org_scope_q(request.user, prefix="org__"))
            .select_related("owner_type")
            .first()
        )
        if attachment is None:
            raise Http404
        check = attachment_owners.check_for(attachment.owner_type.model_class())
        if check is None:
            raise Http404
        if not check(request.user, attachment.owner_id):
            raise PermissionDenied
        return stored_file_response(
            attachment.file,
            headers=SANDBOXED,
            content_type=attachment.content_type,
            as_attachment=not (attachment.is_image or attachment.content_type == "application/pdf"),
            filename=attachment.original_name,
        )


def public_image_response(attachment: Attachment):
    """An image shown on the public pages (no login): sandboxed like every attachment, cached for an hour."""
    headers = {**SANDBOXED, "Cache-Control": "public, max-age=3600"}
    return stored_file_response(attachment.file, headers=headers, content_type=attachment.content_type)
