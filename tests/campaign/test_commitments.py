"""Public commitments: organizations' and members' commitments, fulfilment with evidence, the list in scope,
and the public page that shows name and post only."""

import datetime
import io
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from campaign.models import Attachment, Commitment, Fulfilment, FulfilmentRecord, Plan
from campaign.services import commitments as services
from campaign.services.attachments import attachments_of
from orgs.enums import Role
from tests.factories import MemberFactory, user_with_role
from tests.factories.campaign_plans import make_commitment, make_plan


@pytest.fixture
def people(world):
    class People:
        sec_a = user_with_role(world.branch_a, Role.SECRETARY)
        sec_a2 = user_with_role(world.branch_a2, Role.SECRETARY)
        dept_a = user_with_role(world.county_a, Role.ORG_DEPARTMENT)
        dept_b = user_with_role(world.county_b, Role.ORG_DEPARTMENT)
        leader_a = user_with_role(world.city_a, Role.LEADING_GROUP)
        member_a = user_with_role(world.branch_a, Role.MEMBER, member=world.member_a)
        member_b = user_with_role(world.branch_b, Role.MEMBER, member=world.member_b)

    return People


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def png(name="evidence.png"):
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


# --- services -------------------------------------------------------------------------------


def test_member_writes_publishes_and_fulfils_its_own_commitment(world, people, campaign):
    c = services.create_commitment(campaign, by=people.member_a, member=world.member_a, content="带头参加义务劳动")
    assert (c.org, c.member, c.status, c.fulfilment) == (
        world.branch_a,
        world.member_a,
        Commitment.Status.DRAFT,
        Fulfilment.NONE,
    )
    c = services.update_commitment(c, by=people.member_a, content="每月参加一次义务劳动")
    c = services.publish_commitment(c, by=people.member_a)
    assert c.status == Commitment.Status.PUBLISHED and c.published_at
    with pytest.raises(ValidationError):
        services.update_commitment(c, by=people.member_a, content="改")
    record = services.record_fulfilment(
        c,
        by=people.member_a,
        date=datetime.date.today(),
        description="参加了村道清扫",
        fulfilment=Fulfilment.PARTIAL,
        files=[png()],
    )
    c.refresh_from_db()
    assert c.fulfilment == Fulfilment.PARTIAL and c.content == "每月参加一次义务劳动"
    [evidence] = attachments_of(record)
    assert (evidence.org, evidence.content_type, evidence.uploaded_by) == (world.branch_a, "image/png", people.member_a)
    assert c.history.first().history_user == people.member_a


def test_secretary_writes_for_the_org_and_on_a_members_behalf(world, people, campaign):
    own = services.create_commitment(campaign, by=people.sec_a, org=world.branch_a, content="组织承诺")
    assert own.member is None and own.org == world.branch_a
    for_member = services.create_commitment(campaign, by=people.sec_a, member=world.member_a, content="代写")
    assert for_member.member == world.member_a
    services.publish_commitment(for_member, by=people.sec_a)


def test_refusals(world, people, campaign):
    with pytest.raises(PermissionDenied):  # a member writes only its own
        services.create_commitment(campaign, by=people.member_a, member=world.member_a2, content="x")
    with pytest.raises(PermissionDenied):  # …and not the organization's
        services.create_commitment(campaign, by=people.member_a, org=world.branch_a, content="x")
    with pytest.raises(PermissionDenied):  # another branch's secretary
        services.create_commitment(campaign, by=people.sec_a2, member=world.member_a, content="x")
    with pytest.raises(PermissionDenied):  # org_department reads, does not promise for others
        services.create_commitment(campaign, by=people.dept_a, org=world.branch_a, content="x")
    draft = make_commitment(campaign, world.branch_a)
    with pytest.raises(ValidationError) as e:
        services.record_fulfilment(
            draft, by=people.sec_a, date=datetime.date.today(), description="x", fulfilment=Fulfilment.DONE
        )
    assert "公开后才能记录兑现情况" in e.value.messages[0]
    published = make_commitment(campaign, world.branch_a, status=Commitment.Status.PUBLISHED)
    with pytest.raises(ValidationError):
        services.publish_commitment(published, by=people.sec_a)
    with pytest.raises(ValidationError) as e:
        services.record_fulfilment(
            published,
            by=people.sec_a,
            date=datetime.date.today() + datetime.timedelta(days=3),
            description="x",
            fulfilment=Fulfilment.DONE,
        )
    assert e.value.message_dict == {"date": ["兑现日期不能晚于今天"]}  # at the 兑现日期 field
    with pytest.raises(ValidationError) as e:
        services.record_fulfilment(
            published, by=people.sec_a, date=datetime.date.today(), description="x", fulfilment="maybe"
        )
    assert e.value.message_dict == {"fulfilment": ["请选择兑现状态"]}
    after = campaign.end_date + datetime.timedelta(days=1)
    with pytest.raises(ValidationError):
        services.create_commitment(campaign, by=people.sec_a, org=world.branch_a, content="x", today=after)
    with pytest.raises(ValidationError):
        services.create_commitment(campaign, by=people.sec_a, org=world.branch_a, content="   ")
    assert not FulfilmentRecord.objects.exists()
    assert Commitment.objects.count() == 2


# --- pages ----------------------------------------------------------------------------------


def test_member_page_flow(world, people, campaign, login):
    client = login(people.member_a)
    page = client.get(reverse("campaign:commitment_list")).content.decode()
    assert "填写我的承诺" in page
    response = client.post(reverse("campaign:commitment_create"), {"content": "帮扶两户困难群众"})
    c = Commitment.objects.get()
    assert response.url == reverse("campaign:commitment_detail", args=[c.pk]) and c.member == world.member_a
    client.post(reverse("campaign:commitment_publish", args=[c.pk]))
    c.refresh_from_db()
    assert c.status == Commitment.Status.PUBLISHED
    response = client.post(
        reverse("campaign:commitment_fulfil", args=[c.pk]),
        {
            "date": datetime.date.today().isoformat(),
            "description": "已帮扶一户",
            "fulfilment": "partial",
            "files": [png()],
        },
    )
    assert response.status_code == 302
    detail = client.get(reverse("campaign:commitment_detail", args=[c.pk])).content.decode()
    assert "已帮扶一户" in detail and "部分兑现" in detail and "evidence.png" in detail
    attachment = Attachment.objects.get()
    assert client.get(reverse("campaign:attachment", args=[attachment.pk])).status_code == 200


def test_renamed_executable_is_refused_as_evidence(world, people, campaign, login):
    c = make_commitment(campaign, world.branch_a, status=Commitment.Status.PUBLISHED)
    fake = SimpleUploadedFile("photo.png", b"MZ\x90\x00" + b"\x00" * 200, content_type="image/png")
    response = login(people.sec_a).post(
        reverse("campaign:commitment_fulfil", args=[c.pk]),
        {"date": datetime.date.today().isoformat(), "description": "说明", "fulfilment": "done", "files": [fake]},
    )
    assert response.status_code == 400 and "不是允许的类型" in response.content.decode()
    assert not FulfilmentRecord.objects.exists() and not Attachment.objects.exists()
    c.refresh_from_db()
    assert c.fulfilment == Fulfilment.NONE


def test_secretary_creates_for_a_member_through_the_form(world, people, campaign, login):
    client = login(people.sec_a)
    form = client.get(reverse("campaign:commitment_create") + f"?org={world.branch_a.code}").content.decode()
    assert "张建国" in form and "李秀英" not in form  # only the branch's own members
    client.post(
        reverse("campaign:commitment_create") + f"?org={world.branch_a.code}",
        {"member": world.member_a.pk, "content": "代党员填写"},
    )
    assert Commitment.objects.get().member == world.member_a
    response = client.post(
        reverse("campaign:commitment_create") + f"?org={world.branch_a.code}",
        {"member": world.member_a2.pk, "content": "别的支部党员"},
    )
    assert response.status_code == 200 and Commitment.objects.count() == 1


def test_edit_after_publishing_is_refused(world, people, campaign, login):
    c = make_commitment(campaign, world.branch_a, status=Commitment.Status.PUBLISHED, content="原承诺")
    client = login(people.sec_a)
    assert client.get(reverse("campaign:commitment_edit", args=[c.pk])).status_code == 302
    response = client.post(reverse("campaign:commitment_edit", args=[c.pk]), {"content": "偷偷改"})
    assert "内容不能再修改" in response.content.decode()
    c.refresh_from_db()
    assert c.content == "原承诺"


def test_list_scope(world, people, campaign, login):
    make_commitment(campaign, world.branch_a, content="塔元庄组织承诺")
    make_commitment(campaign, member=world.member_a, content="张建国的承诺")
    make_commitment(campaign, member=world.member_a2, content="李秀英的承诺")
    make_commitment(campaign, world.branch_b, content="滦州组织承诺")
    make_commitment(campaign, member=world.member_b, content="王志强的承诺")
    dept = login(people.dept_a).get(reverse("campaign:commitment_list")).content.decode()
    assert all(t in dept for t in ("塔元庄组织承诺", "张建国的承诺", "李秀英的承诺"))
    assert "滦州组织承诺" not in dept and "王志强的承诺" not in dept
    member = login(people.member_a).get(reverse("campaign:commitment_list")).content.decode()
    assert "张建国的承诺" in member
    assert all(t not in member for t in ("塔元庄组织承诺", "李秀英的承诺", "滦州组织承诺", "王志强的承诺"))
    only_members = login(people.dept_a).get(reverse("campaign:commitment_list") + "?kind=member").content.decode()
    assert "张建国的承诺" in only_members and "塔元庄组织承诺" not in only_members


def test_list_query_count_is_constant(world, people, campaign, login):
    client = login(people.dept_a)
    make_commitment(campaign, member=world.member_a)
    client.get(reverse("campaign:commitment_list"))
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("campaign:commitment_list"))
    for _i in range(29):
        make_commitment(campaign, member=MemberFactory(org=world.branch_a2))
    with CaptureQueriesContext(connection) as thirty:
        response = client.get(reverse("campaign:commitment_list"))
    assert len(response.context["object_list"]) == 30
    assert len(thirty) == len(one)


@pytest.mark.parametrize(
    ("name", "who", "expected"),
    [
        ("list", None, 302),
        ("detail", None, 302),
        ("create", None, 302),
        ("detail", "dept_b", 404),
        ("detail", "member_b", 404),
        ("edit", "dept_b", 404),
        ("fulfil", "member_b", 404),
        ("detail", "member_a", 200),  # its own
        ("detail", "dept_a", 200),
        ("detail", "leader_a", 200),
        ("edit", "dept_a", 403),
        ("edit", "leader_a", 403),
        ("create", "dept_a", 403),
        ("create_org", "member_a", 403),
        ("create_org", "dept_b", 404),
        ("edit", "member_a", 200),
        ("edit", "sec_a", 200),
        ("list", "leader_a", 200),
        ("create_org", "sec_a", 200),
    ],
)
def test_permission_matrix(world, people, campaign, login, client, name, who, expected):
    c = make_commitment(campaign, member=world.member_a, content="张建国的承诺")
    make_commitment(campaign, member=world.member_b, content="王志强的承诺")
    urls = {
        "list": reverse("campaign:commitment_list"),
        "detail": reverse("campaign:commitment_detail", args=[c.pk]),
        "edit": reverse("campaign:commitment_edit", args=[c.pk]),
        "fulfil": reverse("campaign:commitment_fulfil", args=[c.pk]),
        "create": reverse("campaign:commitment_create"),
        "create_org": reverse("campaign:commitment_create") + f"?org={world.branch_a.code}",
    }
    if who is not None:
        client = login(getattr(people, who))
    response = client.get(urls[name])
    assert response.status_code == expected
    if expected == 302:
        assert response.url.startswith(reverse("login"))
    if expected == 200 and name in ("list", "detail"):
        html = response.content.decode()
        assert "张建国的承诺" in html and "王志强的承诺" not in html


def test_member_cannot_record_on_the_org_commitment(world, people, campaign, login):
    c = make_commitment(campaign, world.branch_a, status=Commitment.Status.PUBLISHED)
    response = login(people.member_a).post(
        reverse("campaign:commitment_fulfil", args=[c.pk]),
        {"date": datetime.date.today().isoformat(), "description": "x", "fulfilment": "done"},
    )
    assert response.status_code in (403, 404)
    assert not FulfilmentRecord.objects.exists()


# --- the public page ------------------------------------------------------------------------


def test_public_page_shows_plan_and_commitments_without_personal_data(world, people, campaign, client):
    member = world.member_a
    member.post = "村民小组长"
    member.save(update_fields=["post"])
    make_plan(
        campaign,
        world.branch_a,
        status=Plan.Status.PUBLISHED,
        theme="争创五个好党支部",
        carriers=["三级联创", "设岗定责"],
        other_carriers="结对帮扶",
        goals="目标：班子团结",
        measures="措施：每月走访",
    )
    c = make_commitment(campaign, member=member, status=Commitment.Status.PUBLISHED, content="帮扶两户困难群众")
    FulfilmentRecord.objects.create(
        commitment=c, date=datetime.date(2026, 1, 5), description="已帮扶一户", fulfilment="partial"
    )
    make_commitment(campaign, member=world.member_a, content="草稿承诺不公开")
    make_commitment(campaign, world.branch_a, status=Commitment.Status.PUBLISHED, content="组织承诺：修好村道")

    response = client.get(reverse("campaign:public_org", args=[world.branch_a.code]))
    assert response.status_code == 200
    html = response.content.decode()
    for text in (
        "塔元庄村党支部",
        "争创五个好党支部",
        "三级联创、设岗定责、结对帮扶",
        "目标：班子团结",
        "措施：每月走访",
    ):
        assert text in html
    assert "张建国" in html and "村民小组长" in html and "帮扶两户困难群众" in html and "已帮扶一户" in html
    assert "组织承诺：修好村道" in html
    assert "草稿承诺不公开" not in html
    # nothing personal beyond name and post
    assert member.id_number not in html and member.masked_id_number not in html
    assert member.id_number[:6] not in html and member.id_number[-4:] not in html
    assert member.mobile not in html and member.mobile[-4:] not in html
    assert "1980-05-17" not in html and "1980年5月17日" not in html and "19800517" not in html
    # no navigation that needs a login: only static files and in-page links
    links = re.findall(r'(?:href|src|action)="([^"]*)"', html)
    assert links and all(u.startswith(("/static/", "#")) for u in links), links
    assert "退出" not in html and "csrf" not in html.lower()


def test_public_page_for_a_logged_in_user_shows_no_portal_navigation(world, people, campaign, login):
    make_plan(campaign, world.branch_a, status=Plan.Status.PUBLISHED)
    html = login(people.sec_a).get(reverse("campaign:public_org", args=[world.branch_a.code])).content.decode()
    assert "退出" not in html and "/orgs/" not in html


@pytest.mark.parametrize("status", [Plan.Status.DRAFT, Plan.Status.SUBMITTED, Plan.Status.APPROVED])
def test_public_page_is_404_until_something_is_published(world, campaign, client, status):
    make_plan(campaign, world.branch_a, status=status, theme="未公布的方案")
    make_commitment(campaign, member=world.member_a, content="草稿承诺")
    response = client.get(reverse("campaign:public_org", args=[world.branch_a.code]))
    assert response.status_code == 404
    assert client.get(reverse("campaign:public_org", args=["no-such-org"])).status_code == 404


def test_public_page_with_published_commitments_only(world, campaign, client):
    make_plan(campaign, world.branch_a, status=Plan.Status.APPROVED, theme="尚未公布的方案")
    make_commitment(campaign, world.branch_a, status=Commitment.Status.PUBLISHED, content="组织公开承诺")
    html = client.get(reverse("campaign:public_org", args=[world.branch_a.code])).content.decode()
    assert "组织公开承诺" in html and "尚未公布的方案" not in html


def test_public_page_query_count_is_constant(world, campaign, client):
    make_plan(campaign, world.branch_a, status=Plan.Status.PUBLISHED)
    make_commitment(campaign, member=world.member_a, status=Commitment.Status.PUBLISHED)
    url = reverse("campaign:public_org", args=[world.branch_a.code])
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for _i in range(29):
        c = make_commitment(campaign, member=MemberFactory(org=world.branch_a), status=Commitment.Status.PUBLISHED)
        FulfilmentRecord.objects.create(
            commitment=c, date=datetime.date(2026, 1, 5), description="d", fulfilment="done"
        )
    with CaptureQueriesContext(connection) as thirty:
        html = client.get(url).content.decode()
    assert html.count("<article") == 30
    assert len(thirty) == len(one)
