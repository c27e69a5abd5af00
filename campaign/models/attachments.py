"""Uploaded evidence (images and PDF), stored outside the web root, served only through a checked view."""

import uuid

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from orgs.models import Org, User


def attachment_path(instance, filename):
    # Never the user's file name on disk: a random name with the checked extension.
    return f"attachments/{instance.uploaded_at:%Y/%m}/{uuid.uuid4().hex}{instance.extension}"


class Attachment(models.Model):
    """A file attached to any campaign object (activity record, commitment, rectification …).

    ``org`` is the organization whose scope decides who may download it.
    """

    owner_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    owner_id = models.PositiveBigIntegerField()
    owner = GenericForeignKey("owner_type", "owner_id")
    org = models.ForeignKey(Org, verbose_name=_("组织"), on_delete=models.CASCADE, related_name="+")
    file = models.FileField(_("文件"), upload_to=attachment_path, max_length=200)
    original_name = models.CharField(_("文件名"), max_length=200)
    content_type = models.CharField(_("类型"), max_length=50)
    extension = models.CharField(max_length=8)
    size = models.PositiveIntegerField(_("大小"))
    uploaded_by = models.ForeignKey(User, verbose_name=_("上传人"), null=True, on_delete=models.SET_NULL)
    uploaded_at = models.DateTimeField(_("上传时间"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("附件")
        verbose_name_plural = _("附件")
        indexes = [models.Index(fields=["owner_type", "owner_id"], name="attachment_owner")]

    def __str__(self):
        return self.original_name

    @property
    def is_image(self):
        return self.content_type.startswith("image/")
