"""The QR sheet: created with the batch, a real CJK font, each QR decodes to a working answer URL;
big batches render in a Celery task; only org_department in scope downloads it."""

import datetime
import re
import shutil
import subprocess
from pathlib import Path
from urllib.parse import urlparse

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from evaluations.enums import Target
from evaluations.models import MassBatch, MassBatchStatus, MassToken
from evaluations.services import mass as services
from orgs.enums import Role
from tests.factories import MemberFactory, user_with_role
from tests.factories.evaluations_mass import mass_period

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _fresh_rate_limit():
    cache.delete(services.rate_limit_key("127.0.0.1"))
    yield
    cache.delete(services.rate_limit_key("127.0.0.1"))


def pdf_fonts(path: Path) -> str:
    return subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout


def decode_qr_codes(pdf: Path, workdir: Path) -> list[str]:
    """Rasterise every page (pdftoppm, 150 dpi) and decode every QR code on it with zbarimg."""
    assert shutil.which("zbarimg"), "zbarimg is missing: scripts/install.sh installs zbar-tools"
    subprocess.run(["pdftoppm", "-png", "-r", "150", str(pdf), str(workdir / "page")], check=True)
    urls = []
    for png in sorted(workdir.glob("page*.png")):
        out = subprocess.run(["zbarimg", "--quiet", "--raw", str(png)], capture_output=True, text=True)
        urls += [line.strip() for line in out.stdout.splitlines() if line.strip()]
    return urls


def create(world, seed_criteria, *, target=Target.ORG, n=5, org=None):
    user = user_with_role(world.county_a, Role.ORG_DEPARTMENT)
    now = timezone.now()
    batch = services.create_batch(
        org or world.branch_a,
        by=user,
        period=mass_period(),
        criteria_set=seed_criteria["five-good" if target == Target.ORG else "five-models"],
        target=target,
        tokens_per_target=n,
        opens_at=now - datetime.timedelta(minutes=5),
        closes_at=now + datetime.timedelta(days=3),
        base_url="http://testserver",
    )
    return user, batch


def test_sheet_has_a_cjk_font_and_every_qr_opens_the_answer_page(world, seed_criteria, client, tmp_path):
    user, batch = create(world, seed_criteria, n=7)
    assert batch.status == MassBatchStatus.READY
    assert batch.token_count == 7 and MassToken.objects.filter(batch=batch).count() == 7
    pdf = Path(batch.sheet.path)
    assert pdf.read_bytes().startswith(b"%PDF")
    # pdffonts names the embedded font e.g. "TSPJMR+Noto-Sans-CJK-SC"
    assert re.search(r"Noto-?Sans-?CJK-?SC", pdf_fonts(pdf))
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "评议组织：塔元庄村党支部" in text
    assert "只能使用一次" in text
    assert text.count("http://testserver/evaluations/m/") == 7  # the short URL is printed beside each code

    urls = decode_qr_codes(pdf, tmp_path)
    assert len(urls) == 7 and len(set(urls)) == 7
    for url in urls:
        parts = urlparse(url)
        assert parts.scheme == "http" and parts.netloc == "testserver"
        assert parts.path.startswith("/evaluations/m/")
        response = client.get(parts.path)
        assert response.status_code == 200
        assert "评议组织：塔元庄村党支部" in response.content.decode()
    # the database holds digests only: no plaintext token appears in any token row
    digests = set(MassToken.objects.filter(batch=batch).values_list("digest", flat=True))
    tokens = {urlparse(u).path.split("/")[-2] for u in urls}
    assert digests == {services.token_digest(t) for t in tokens}
    assert not digests & tokens


def test_member_batch_sheet_names_each_member(world, seed_criteria, tmp_path):
    second = MemberFactory(org=world.branch_a, name="赵红梅")
    user, batch = create(world, seed_criteria, target=Target.MEMBER, n=2)
    assert batch.token_count == 4
    assert set(MassToken.objects.filter(batch=batch).values_list("member_id", flat=True)) == {
        world.member_a.pk,
        second.pk,
    }
    text = subprocess.run(["pdftotext", batch.sheet.path, "-"], capture_output=True, text=True, check=True).stdout
    assert text.count("评议党员：张建国") == 2 and text.count("评议党员：赵红梅") == 2
    assert len(decode_qr_codes(Path(batch.sheet.path), tmp_path)) == 4


def test_big_batch_renders_in_the_celery_task(world, seed_criteria, settings, django_capture_on_commit_callbacks):
    settings.MASS_SHEET_ASYNC_TOKENS = 3
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        user, batch = create(world, seed_criteria, n=4)
    assert batch.status == MassBatchStatus.GENERATING and not batch.sheet
    assert MassToken.objects.filter(batch=batch).count() == 0
    assert len(callbacks) == 1
    callbacks[0]()  # the task (eager in tests) runs after commit
    batch.refresh_from_db()
    assert batch.status == MassBatchStatus.READY and batch.sheet
    assert MassToken.objects.filter(batch=batch).count() == 4
    # safe to run twice: a ready batch is left alone, whether its message comes again or the body runs again
    from common.jobs import latest
    from evaluations.services.mass import generate_sheet
    from evaluations.tasks import generate_mass_sheet

    background = latest(batch, "evaluations.generate_mass_sheet")
    assert (background.state, background.owner) == ("done", user)
    generate_mass_sheet.delay(job=background.pk, attempt=background.attempt)
    generate_sheet(batch.pk)
    assert MassToken.objects.filter(batch=batch).count() == 4
    generate_sheet(999_999)  # a missing batch: nothing happens


def test_generating_page_polls_until_ready(world, seed_criteria, settings, login, django_capture_on_commit_callbacks):
    settings.MASS_SHEET_ASYNC_TOKENS = 3
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        user, batch = create(world, seed_criteria, n=4)
    client = login(user)
    page = client.get(reverse("evaluations:mass_batch", args=[batch.pk])).content.decode()
    assert "正在生成 4 个二维码的打印表" in page and "hx-trigger" in page
    callbacks[0]()
    partial = client.get(reverse("evaluations:mass_batch_status", args=[batch.pk])).content.decode()
    assert "下载二维码表（PDF）" in partial and "hx-trigger" not in partial


def test_sheet_download_is_scoped_and_deletable(world, seed_criteria, client, login):
    user, batch = create(world, seed_criteria, n=2)
    url = reverse("evaluations:mass_batch_sheet", args=[batch.pk])
    assert client.get(url).status_code == 302  # anonymous → login
    response = login(user).get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    # leading group in scope sees the results but not the sheet (the tokens)
    assert login(user_with_role(world.city_a, Role.LEADING_GROUP)).get(url).status_code == 403
    assert login(user_with_role(world.city_b, Role.ORG_DEPARTMENT)).get(url).status_code == 404

    login(user)
    path = Path(batch.sheet.path)
    response = client.post(reverse("evaluations:mass_batch_sheet_delete", args=[batch.pk]))
    assert response.status_code == 302
    assert not path.exists()
    assert MassBatch.objects.get(pk=batch.pk).sheet == ""
    assert client.get(url).status_code == 404
