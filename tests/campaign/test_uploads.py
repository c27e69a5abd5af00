"""Uploads with real bytes: images and PDF only (by content), a size limit, nothing written on refusal,
stored under MEDIA_ROOT with random names, served only through the scope-checked download view."""

import datetime
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from campaign.models import ActivityRecord, Attachment
from campaign.services.attachments import attach_files
from campaign.uploads import AttachmentsField
from orgs.enums import Role
from tests.factories import user_with_role
from tests.factories.campaign_activities import (
    ELF_BYTES,
    campaign_in_phase,
    make_activity,
    pdf_bytes,
    png_bytes,
)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def c2(seed_campaign):
    return campaign_in_phase(seed_campaign, 2)


def stored_files(root: Path) -> list[Path]:
    return [p for p in Path(root).rglob("*") if p.is_file()] if Path(root).exists() else []


def upload(name, data, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def activity_post(world, **extra):
    return {
        "activity_type": "serve_masses",
        "date": (timezone.localdate() - datetime.timedelta(days=1)).isoformat(),
        "title": "走访慰问",
        "description": "走访慰问困难群众",
        "participant_count": "5",
        **extra,
    }


# ----- the field itself -----


def test_valid_png_and_pdf_are_accepted():
    field = AttachmentsField()
    png = upload("照片.png", png_bytes(), "image/png")
    pdf = upload("材料.pdf", pdf_bytes("活动材料"), "application/pdf")
    cleaned = field.clean([png, pdf])
    assert [f.name for f in cleaned] == ["照片.png", "材料.pdf"]


def test_renamed_executable_is_refused_with_chinese_message():
    field = AttachmentsField()
    with pytest.raises(Exception) as caught:
        field.clean([upload("photo.jpg", ELF_BYTES, "image/jpeg")])
    assert "文件“photo.jpg”不是允许的类型：只能上传图片（JPG、PNG、GIF、WebP）或 PDF" in caught.value.messages


def test_oversized_file_is_refused(settings):
    settings.ATTACHMENT_MAX_BYTES = 1024 * 1024
    big = upload("big.png", png_bytes((800, 800)) + b"\x00" * (1024 * 1024), "image/png")
    with pytest.raises(Exception) as caught:
        AttachmentsField().clean([big])
    assert "文件“big.png”超过 1 MB 的大小限制" in caught.value.messages


def test_truncated_png_is_refused():
    data = png_bytes()
    with pytest.raises(Exception) as caught:
        AttachmentsField().clean([upload("broken.png", data[: len(data) - 12], "image/png")])
    assert "图片“broken.png”已损坏，无法打开" in caught.value.messages


# ----- storage -----


def test_a_refused_file_is_named_at_the_form_field_and_nothing_is_stored(world, c2, media):
    """The service checks again what the form checked: a bad file among good ones is reported at the form's
    field (files, attachments, cover…) with its name and the rule, before any file reaches the disk."""
    from django.core.exceptions import ValidationError

    record = make_activity(world.branch_a, c2)
    files = [upload("我的照片.png", png_bytes(), "image/png"), upload("photo.jpg", ELF_BYTES, "image/jpeg")]
    with pytest.raises(ValidationError) as error:
        attach_files(record, files, org=world.branch_a, by=None, field="attachments")
    assert error.value.message_dict == {
        "attachments": ["文件“photo.jpg”不是允许的类型：只能上传图片（JPG、PNG、GIF、WebP）或 PDF"]
    }
    assert stored_files(Path(media)) == [] and not Attachment.objects.exists()


def test_files_are_stored_under_media_root_with_random_names(world, c2, media):
    record = make_activity(world.branch_a, c2)
    created = attach_files(
        record,
        [upload("我的照片.png", png_bytes(), "image/png"), upload("总结.pdf", pdf_bytes(), "application/pdf")],
        org=world.branch_a,
        by=None,
    )
    paths = [Path(a.file.path) for a in created]
    for path in paths:
        assert path.is_file()
        assert path.resolve().is_relative_to(Path(media).resolve())
        assert not path.resolve().is_relative_to(Path(django_settings.BASE_DIR / "static").resolve())
        assert "我的照片" not in path.name and "总结" not in path.name
    assert [p.suffix for p in paths] == [".png", ".pdf"]
    assert len({p.stem for p in paths}) == 2 and all(len(p.stem) == 32 for p in paths)
    assert [a.content_type for a in created] == ["image/png", "application/pdf"]
    assert created[0].original_name == "我的照片.png"


# ----- nothing written on refusal (through the real form and view) -----


@pytest.mark.parametrize(
    "name,data,message",
    [
        ("photo.jpg", ELF_BYTES, "不是允许的类型"),
        ("broken.png", png_bytes()[:40], "已损坏"),
        ("big.pdf", b"%PDF-1.4\n" + b"0" * 3000, "大小限制"),
    ],
    ids=["renamed-executable", "truncated-png", "oversized"],
)
def test_refused_upload_writes_nothing(world, c2, login, media, settings, name, data, message):
    settings.ATTACHMENT_MAX_BYTES = 2048
    secretary = user_with_role(world.branch_a, Role.SECRETARY)
    good = upload("ok.png", png_bytes(), "image/png")
    response = login(secretary).post(
        reverse("campaign:activity_create") + "?org=" + world.branch_a.code,
        activity_post(world, files=[good, upload(name, data)]),
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert ActivityRecord.objects.count() == 0
    assert Attachment.objects.count() == 0
    assert stored_files(media) == []


# ----- download view -----


@pytest.fixture
def stored(world, c2):
    record = make_activity(world.branch_a, c2)
    png, pdf = png_bytes(), pdf_bytes()
    image, document = attach_files(
        record,
        [upload("a.png", png, "image/png"), upload("b.pdf", pdf, "application/pdf")],
        org=world.branch_a,
        by=None,
    )
    return {"image": image, "document": document, "png": png, "pdf": pdf}


def body_of(response) -> bytes:
    return b"".join(response.streaming_content)


def test_download_in_scope_gives_right_type_and_bytes(world, login, stored):
    client = login(user_with_role(world.branch_a, Role.SECRETARY))
    response = client.get(reverse("campaign:attachment", args=[stored["image"].pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert body_of(response) == stored["png"]
    response = client.get(reverse("campaign:attachment", args=[stored["document"].pk]))
    assert response["Content-Type"] == "application/pdf"
    assert body_of(response) == stored["pdf"]


def test_download_by_superior_in_scope(world, login, stored):
    client = login(user_with_role(world.city_a, Role.LEADING_GROUP))
    assert client.get(reverse("campaign:attachment", args=[stored["image"].pk])).status_code == 200


def test_download_from_other_subtree_is_404(world, login, stored):
    for user in (
        user_with_role(world.branch_b, Role.SECRETARY),
        user_with_role(world.city_b, Role.ORG_DEPARTMENT),
        user_with_role(world.branch_a2, Role.SECRETARY),
    ):
        client = login(user)
        assert client.get(reverse("campaign:attachment", args=[stored["image"].pk])).status_code == 404


def test_download_anonymous_goes_to_login(client, stored):
    url = reverse("campaign:attachment", args=[stored["image"].pk])
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_missing_file_on_disk_is_404_not_500(world, login, stored):
    Path(stored["image"].file.path).unlink()
    client = login(user_with_role(world.branch_a, Role.SECRETARY))
    assert client.get(reverse("campaign:attachment", args=[stored["image"].pk])).status_code == 404
