"""Factories for activity records, reports upward and publicity: campaigns in a given phase, real file bytes."""

import datetime
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from campaign.enums import ActivityType
from campaign.models import ActivityRecord, Campaign, ImplementationReport, Story, StoryStatus
from common.actors import SYSTEM


def campaign_in_phase(seed: Campaign, order: int, *, day: int = 10, code: str | None = None) -> Campaign:
    """A copy of the seed campaign shifted so that today is day ``day`` of phase ``order``."""
    from campaign.services.timeline import copy_campaign

    phase = seed.phases.get(order=order)
    offset = (phase.start_date - seed.start_date).days + day
    start = timezone.localdate() - datetime.timedelta(days=offset)
    return copy_campaign(
        seed, name=f"测试活动（第{order}步）", code=code or f"test-phase-{order}", start_date=start, by=SYSTEM
    )


def png_bytes(size=(8, 6), color=(179, 0, 27)) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format="PNG")
    return buffer.getvalue()


def pdf_bytes(text: str = "实施意见") -> bytes:
    """A real one-page PDF rendered by WeasyPrint."""
    from weasyprint import HTML

    return HTML(string=f"<html><body><p>{text}</p></body></html>").write_pdf()


MINIMAL_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)
ELF_BYTES = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 8 + b"\x02\x00\x3e\x00" + b"\x00" * 100


def png_upload(name="photo.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png_bytes(), content_type="image/png")


def pdf_upload(name="opinion.pdf", data: bytes | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data or MINIMAL_PDF, content_type="application/pdf")


def make_activity(org, campaign, *, activity_type=ActivityType.SERVE_MASSES, by=None, **fields) -> ActivityRecord:
    """A record written straight to the database (for lists and permissions; services are tested on their own)."""
    defaults = {
        "title": "走访慰问困难党员",
        "description": "支部党员分组走访慰问。",
        "date": timezone.localdate() - datetime.timedelta(days=1),
        "participant_count": 12,
    }
    defaults.update(fields)
    return ActivityRecord.objects.create(
        campaign=campaign, org=org, activity_type=activity_type, created_by=by, **defaults
    )


def make_report(org, campaign, *, version=1, by=None, **fields) -> ImplementationReport:
    defaults = {
        "title": "关于开展创先争优活动的实施意见",
        "doc_number": f"创组〔2010〕{version}号",
        "doc_date": datetime.date(2010, 5, 10),
        "submitted_at": timezone.now(),
    }
    defaults.update(fields)
    return ImplementationReport.objects.create(campaign=campaign, org=org, version=version, submitted_by=by, **defaults)


def make_story(org, campaign, *, status=StoryStatus.DRAFT, by=None, **fields) -> Story:
    defaults = {
        "kind": "deeds",
        "title": "扎根农村的好支书",
        "body": "<p>张建国同志带领群众修路架桥。</p>",
    }
    defaults.update(fields)
    if status == StoryStatus.PUBLISHED:
        defaults.setdefault("published_at", timezone.now())
    return Story.objects.create(campaign=campaign, org=org, status=status, created_by=by, **defaults)
