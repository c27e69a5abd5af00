"""The secretary of a basic organization organizes the masses' evaluation of its own members: creates a
member batch, prints the QR sheet, enters paper tallies, deletes the sheet, ends the evaluation early and
reads the per-member results; never another organization's batches, never the organization's own batch."""

import datetime
import re

import pytest
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from evaluations.enums import Target
from evaluations.models import MassAnswer, MassBatch, MassBatchStatus, MassTally
from evaluations.services import mass as services
from orgs.enums import OrgKind, Role
from orgs.models import RoleAssignment
from tests.factories import MemberFactory, UserFactory, make_org, user_with_role
from tests.factories.evaluations_mass import make_batch, mass_period

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _fresh_rate_limit():
    cache.delete(services.rate_limit_key("127.0.0.1"))
    yield
    cache.delete(services.rate_limit_key("127.0.0.1"))


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


@pytest.fixture
def people(world):
    member = UserFactory(member=world.member_a, username="member_a")
    RoleAssignment.objects.create(user=member, org=world.branch_a, role=Role.MEMBER)
    return {
        "secretary": user_with_role(world.branch_a, Role.SECRETARY, username="sec_a"),
        "other_secretary": user_with_role(world.branch_b, Role.SECRETARY, username="sec_b"),
        "county_od": user_with_role(world.county_a, Role.ORG_DEPARTMENT, username="county_od"),
        "member": member,
    }


def form_data(period, *, org, target=Target.MEMBER, tokens=2, title=""):
    now = timezone.localtime().replace(second=0, microsecond=0)
    return {
        "org_code": org.code,
        "target": target,
        "period": period.pk,
        "criteria_set": "",
        "tokens_per_target": tokens,
        "opens_at": (now - datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "closes_at": (now + datetime.timedelta(days=3)).strftime("%Y-%m-%dT%H:%M"),
        "title": title,
    }


def test_secretary_runs_a_member_batch_end_to_end(world, seed_criteria, people, login, client):
    second = MemberFactory(org=world.branch_a, name="赵红梅")
    period = mass_period()
    sec = login(people["secretary"])
    create_url = reverse("evaluations:mass_batch_create")
    page = text(sec.get(create_url))
    assert f'value="{world.branch_a.code}"' in page  # his organization is filled in
    assert 'value="org"' not in page  # he cannot pick the organization itself as the target
    response = sec.post(create_url, form_data(period, org=world.branch_a, title="七一党性分析周"))
    assert response.status_code == 302
    batch = MassBatch.objects.get()
    assert (batch.target, batch.org, batch.created_by, batch.status) == (
        Target.MEMBER, world.branch_a, people["secretary"], MassBatchStatus.READY
    )  # fmt: skip
    assert batch.token_count == 4 and batch.criteria_set.code == "five-models"
    # print the QR sheet
    sheet = sec.get(reverse("evaluations:mass_batch_sheet", args=[batch.pk]))
    assert sheet.status_code == 200 and sheet["Content-Type"] == "application/pdf"
    assert b"".join(sheet.streaming_content).startswith(b"%PDF")
    # enter paper tallies for one member
    crits = list(batch.criteria_set.criteria.all())
    tally = reverse("evaluations:mass_tally", args=[batch.pk]) + f"?member={second.pk}"
    assert sec.get(tally).status_code == 200
    counts = {f"c{c.pk}_{level['key']}": 0 for c in crits for level in batch.criteria_set.levels}
    counts.update({f"c{c.pk}_satisfied": 3 for c in crits})
    assert sec.post(tally, counts).status_code == 302
    assert MassTally.objects.filter(batch=batch, member=second).count() == 5
    # delete the sheet
    assert sec.post(reverse("evaluations:mass_batch_sheet_delete", args=[batch.pk])).status_code == 302
    batch.refresh_from_db()
    assert not batch.sheet
    # per-member results and participation
    detail = text(sec.get(reverse("evaluations:mass_batch", args=[batch.pk])))
    assert "张建国" in detail and "赵红梅" in detail and "纸质选票 3 张" in detail
    assert "结束评议" in detail and "评议进行中" in detail
    # the list and the index show his batch with its participation
    listing = text(sec.get(reverse("evaluations:mass_batch_list")))
    assert "塔元庄村党支部" in listing and "0 / 4" in listing and "0%" in listing
    index = text(sec.get(reverse("evaluations:mass_index")))
    assert 'id="recent-batches"' in index and "已答 0 / 4" in index


def test_secretary_may_not_create_outside_his_organization(world, seed_criteria, people, login):
    period = mass_period()
    sec = login(people["secretary"])
    url = reverse("evaluations:mass_batch_create")
    # a foreign organization's code in the link: 404
    assert sec.get(url, {"org": world.branch_b.code}).status_code == 404
    # posted anyway: the neutral field error, nothing created
    response = sec.post(url, form_data(period, org=world.branch_b))
    assert response.status_code == 200 and "不在您的管理范围内" in response.context["form"].errors["org_code"][0]
    # the organization itself as the target: refused at the field
    bad = sec.post(url, form_data(period, org=world.branch_a, target=Target.ORG))
    assert bad.status_code == 200 and "target" in bad.context["form"].errors
    assert not MassBatch.objects.exists()
    with pytest.raises(ValidationError) as error:
        services.create_batch(
            world.branch_a, by=people["secretary"], period=period, criteria_set=seed_criteria["five-good"],
            target=Target.ORG, tokens_per_target=1, opens_at=timezone.now(),
            closes_at=timezone.now() + datetime.timedelta(days=1), base_url="http://testserver",
        )  # fmt: skip
    assert "由上级组织部组织" in error.value.error_dict["target"][0].messages[0]
    with pytest.raises(PermissionDenied):
        services.create_batch(
            world.branch_b, by=people["secretary"], period=period, criteria_set=seed_criteria["five-models"],
            target=Target.MEMBER, tokens_per_target=1, opens_at=timezone.now(),
            closes_at=timezone.now() + datetime.timedelta(days=1), base_url="http://testserver",
        )  # fmt: skip


def test_an_org_in_scope_that_is_not_basic_is_a_field_error(world, seed_criteria, login):
    """A township committee's secretary may organize member batches of the branches below it, not of the
    township committee itself (not a basic organization)."""
    MemberFactory(org=world.town_a, name="镇党委委员")
    town_sec = user_with_role(world.town_a, Role.SECRETARY)
    period = mass_period()
    client = login(town_sec)
    response = client.post(reverse("evaluations:mass_batch_create"), form_data(period, org=world.town_a))
    assert response.status_code == 200
    assert "“正定镇”不是基层党组织：书记只能组织群众评议本组织的党员" in response.content.decode()
    assert (
        client.post(reverse("evaluations:mass_batch_create"), form_data(period, org=world.branch_a2)).status_code == 302
    )
    # a 党总支's secretary covers its branches
    general = make_org(world.town_a, kind=OrgKind.GENERAL_BRANCH, code="130123100300", name="正定中学党总支")
    child = make_org(general, code="130123100301", name="正定中学一支部")
    MemberFactory(org=child)
    assert services.queries_mass.can_create_batch(user_with_role(general, Role.SECRETARY), child, Target.MEMBER)


def test_county_keeps_the_right_in_its_subtree(world, seed_criteria, people):
    batch, _tokens = make_batch(world.branch_a, seed_criteria["five-models"], members=[world.member_a])
    assert services.queries_mass.can_manage_batch(people["county_od"], batch)
    org_batch, _ = make_batch(world.branch_a, seed_criteria["five-good"])
    assert services.queries_mass.can_manage_batch(people["county_od"], org_batch)
    assert not services.queries_mass.can_manage_batch(people["secretary"], org_batch)


@pytest.mark.parametrize(
    ("name", "who", "own", "status"),
    [
        ("mass_batch", "secretary", "member", 200),
        ("mass_batch", "secretary", "org", 403),
        ("mass_batch", "secretary", "foreign", 404),
        ("mass_batch", "other_secretary", "member", 404),
        ("mass_batch", "member", "member", 403),
        ("mass_tally", "secretary", "member", 200),
        ("mass_tally", "secretary", "foreign", 404),
        ("mass_tally", "member", "member", 403),
        ("mass_batch_close", "secretary", "member", 302),
        ("mass_batch_close", "secretary", "org", 403),
        ("mass_batch_close", "secretary", "foreign", 404),
        ("mass_batch_close", "member", "member", 403),
        ("mass_batch_close", "anonymous", "member", 302),
    ],
)
def test_permission_matrix(world, seed_criteria, people, client, login, name, who, own, status):
    batches = {
        "member": make_batch(world.branch_a, seed_criteria["five-models"], members=[world.member_a])[0],
        "org": make_batch(world.branch_a, seed_criteria["five-good"])[0],
        "foreign": make_batch(world.branch_b, seed_criteria["five-models"], members=[world.member_b])[0],
    }
    batch = batches[own]
    if who != "anonymous":
        client = login(people[who])
    url = reverse(f"evaluations:{name}", args=[batch.pk])
    if name == "mass_tally":
        url += f"?member={world.member_a.pk if own != 'foreign' else world.member_b.pk}"
    response = client.post(url) if name == "mass_batch_close" else client.get(url)
    assert response.status_code == status
    if who == "anonymous":
        assert response["Location"].startswith(reverse("login"))
    elif name == "mass_batch_close" and status == 302:
        batch.refresh_from_db()
        assert batch.closes_at <= timezone.now()


def test_closed_while_a_phone_is_answering(world, seed_criteria, people, login, client):
    batch, tokens = make_batch(world.branch_a, seed_criteria["five-models"], members=[world.member_a])
    token = tokens[world.member_a.pk][0]
    answer = reverse("evaluations:mass_answer", args=[token])
    page = client.get(answer)
    assert page.status_code == 200 and "评议党员：张建国" in page.content.decode()
    services.close_batch(batch, by=people["secretary"])  # 结束评议 meanwhile
    choices = {f"c{c.pk}": "satisfied" for c in batch.criteria_set.criteria.all()}
    response = client.post(answer, choices)
    assert response.status_code == 410
    assert "本次评议已结束，您这次填写的评议未能提交" in response.content.decode()
    assert not MassAnswer.objects.exists()
    assert client.get(answer).status_code == 410
    with pytest.raises(ValidationError):
        services.close_batch(batch, by=people["secretary"])  # already ended
    detail = text(login(people["secretary"]).get(reverse("evaluations:mass_batch", args=[batch.pk])))
    assert "评议已结束" in detail and 'id="close-batch"' not in detail


def test_batch_list_query_count_is_the_same_for_1_and_30(world, seed_criteria, people, login):
    client = login(people["secretary"])

    def add(n):
        for _ in range(n):
            make_batch(world.branch_a, seed_criteria["five-models"], members=[world.member_a], tokens=1)
            make_batch(world.branch_b, seed_criteria["five-models"], members=[world.member_b], tokens=1)

    def count(url):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    urls = [reverse("evaluations:mass_batch_list"), reverse("evaluations:mass_index")]
    add(1)
    count(urls[0])
    one = [count(u) for u in urls]
    add(29)
    assert [count(u) for u in urls] == one
    html = text(client.get(urls[0]))
    assert html.count("塔元庄村党支部") >= 30 and "滦州村党支部" not in html
