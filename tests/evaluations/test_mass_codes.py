"""The 评议码 the masses type by hand: new tokens have no look-alike characters (0/O, 1/I/L), are printed in groups
of four under their QR code beside the entry page's short address, and are taken on the entry page and in the
answer URL in either case, with or without the dashes and spaces. Tokens issued before keep working as printed."""

import datetime
import re
import subprocess
from pathlib import Path

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from evaluations.models import MassToken
from evaluations.services import mass as services
from orgs.enums import Role
from tests.evaluations.test_mass import post_data
from tests.factories import user_with_role
from tests.factories.evaluations_mass import make_batch, mass_period

pytestmark = pytest.mark.django_db
GROUPED = re.compile(r"^[A-HJKMNP-Z2-9]{4}(-[A-HJKMNP-Z2-9]{4}){3}$")
NEUTRAL = "二维码无效。请核对网址是否完整，或向发放二维码的单位咨询。"


@pytest.fixture(autouse=True)
def _fresh(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    cache.delete(services.rate_limit_key("127.0.0.1"))
    yield
    cache.delete(services.rate_limit_key("127.0.0.1"))


def test_new_tokens_have_no_look_alikes_and_print_in_groups_of_four():
    tokens = {services.new_token() for _n in range(500)}
    assert len(tokens) == 500
    assert all(len(t) == 16 for t in tokens)
    assert not set("".join(tokens)) & set("01OILoil")
    assert all(GROUPED.match(services.grouped(t)) for t in tokens)
    assert services.grouped("ABCDEFGHJKMNPQRS") == "ABCD-EFGH-JKMN-PQRS"


@pytest.mark.parametrize(
    "typed",
    ["ABCD-EFGH-JKMN-PQRS", "abcd-efgh-jkmn-pqrs", "abcdefghjkmnpqrs", " ABCD EFGH JKMN PQRS ", "Abcd–efgh－jkmn pqrs"],
)
def test_a_code_is_read_whatever_its_case_dashes_and_spaces(typed):
    assert services.token_candidates(typed)[0] == "ABCDEFGHJKMNPQRS"


def _batch_with_code(world, seed_criteria):
    """A ready batch holding one older token (as issued before) and one new code."""
    batch, (old,) = make_batch(world.branch_a, seed_criteria["five-good"], tokens=1)
    code = services.new_token()
    MassToken.objects.create(batch=batch, digest=services.token_digest(code))
    return batch, old, code


def test_the_answer_page_takes_the_code_in_any_spelling_and_older_tokens_as_issued(world, seed_criteria, client):
    _batch, old, code = _batch_with_code(world, seed_criteria)
    spellings = [code, code.lower(), services.grouped(code), services.grouped(code).lower()]
    for spelling in spellings:
        response = client.get(reverse("evaluations:mass_answer", args=[spelling]))
        assert response.status_code == 200, spelling
        assert "评议组织：塔元庄村党支部" in response.content.decode()
    assert client.get(reverse("evaluations:mass_answer", args=[old])).status_code == 200
    if old.lower() != old:  # an older token is case-sensitive, as it always was
        assert NEUTRAL in client.get(reverse("evaluations:mass_answer", args=[old.lower()])).content.decode()
    answer = reverse("evaluations:mass_answer", args=[services.grouped(code).lower()])
    response = client.post(answer, post_data(seed_criteria["five-good"], "satisfied"))
    assert response.status_code == 302 and response["Location"] == reverse("evaluations:mass_thanks")
    assert MassToken.objects.get(digest=services.token_digest(code)).used_at is not None
    used = client.get(reverse("evaluations:mass_answer", args=[code]))
    assert used.status_code == 410 and "这个二维码已经使用过了" in used.content.decode()


def test_the_entry_page_sends_a_typed_code_to_its_answer_page(world, seed_criteria, client):
    _batch, old, code = _batch_with_code(world, seed_criteria)
    url = reverse("evaluations:mass_enter")
    page = client.get(url)
    html = page.content.decode()
    assert page.status_code == 200 and "评议码" in html and 'autocapitalize="characters"' in html
    typed = " ".join(services.grouped(code).lower().split("-"))  # "abcd efgh jkmn pqrs"
    response = client.get(url, {"code": typed})
    assert response.status_code == 302 and response["Location"] == reverse("evaluations:mass_answer", args=[code])
    assert "评议组织：塔元庄村党支部" in client.get(response["Location"]).content.decode()
    response = client.get(url, {"code": old})
    assert response["Location"] == reverse("evaluations:mass_answer", args=[old])
    for wrong, message in (("", "请输入评议码"), ("ABCD-1234", "评议码应为16位字母和数字，请核对后重新输入")):
        refused = client.get(url, {"code": wrong})
        assert refused.status_code == 400 and message in refused.content.decode()


def test_the_sheet_prints_each_code_grouped_beside_the_entry_address(world, seed_criteria):
    now = timezone.now()
    batch = services.create_batch(
        world.branch_a,
        by=user_with_role(world.county_a, Role.ORG_DEPARTMENT),
        period=mass_period(),
        criteria_set=seed_criteria["five-good"],
        target="org",
        tokens_per_target=3,
        opens_at=now - datetime.timedelta(minutes=5),
        closes_at=now + datetime.timedelta(days=3),
        base_url="http://testserver",
    )
    text = subprocess.run(
        ["pdftotext", "-layout", str(Path(batch.sheet.path)), "-"], capture_output=True, text=True, check=True
    ).stdout
    codes = re.findall(r"评议码\s+(\S+)", text)
    assert len(codes) == 3 and all(GROUPED.match(c) for c in codes), codes
    digests = set(MassToken.objects.filter(batch=batch).values_list("digest", flat=True))
    assert {services.token_digest(services.token_candidates(c)[0]) for c in codes} == digests
    assert text.count("http://testserver/evaluations/m/") == 3
