"""Activity records of the five activities: who writes them, when, what is checked, what the list shows."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from campaign.enums import ActivityType
from campaign.models import ActivityRecord, Attachment, MilestoneDone
from campaign.services import activities as services
from campaign.services.attachments import attach_files
from common.actors import SYSTEM
from orgs import services as org_services
from orgs.enums import Role
from tests.factories import MemberFactory, make_org, user_with_role
from tests.factories.campaign_activities import (
    campaign_in_phase,
    make_activity,
    pdf_bytes,
    pdf_upload,
    png_upload,
)

YESTERDAY = timezone.localdate() - datetime.timedelta(days=1)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def c2(seed_campaign):
    """A campaign in phase two (全面争创，扎实推进): activity records may be written."""
    return campaign_in_phase(seed_campaign, 2)


@pytest.fixture
def people(world):
    return {
        "leading_group": user_with_role(world.city_a, Role.LEADING_GROUP),
        "org_department": user_with_role(world.county_a, Role.ORG_DEPARTMENT),
        "sector_supervisor": user_with_role(world.city_a, Role.SECTOR_SUPERVISOR, sector="rural"),
        "secretary": user_with_role(world.branch_a, Role.SECRETARY),
        "member": user_with_role(world.branch_a, Role.MEMBER),
    }


def form_data(**extra):
    return {
        "activity_type": ActivityType.SERVE_MASSES,
        "date": YESTERDAY.isoformat(),
        "title": "走访慰问困难群众",
        "description": "支部党员分三组走访慰问。",
        "participant_count": "8",
        **extra,
    }


def create(world, by, **extra):
    fields = {
        "activity_type": ActivityType.SERVE_MASSES,
        "date": YESTERDAY,
        "title": "走访慰问",
        "participant_count": 5,
    }
    fields.update(extra)
    return services.create_activity(world.branch_a, by=by, **fields)


# ----- writing through the pages -----


def test_secretary_writes_a_record_with_members_and_attachments(world, c2, people, login):
    client = login(people["secretary"])
    page = client.get(reverse("campaign:activity_create"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "塔元庄村党支部" in html and "张建国" in html
    assert "王志强" not in html and "李秀英" not in html  # only the org's own members are offered

    response = client.post(
        reverse("campaign:activity_create") + "?org=" + world.branch_a.code,
        form_data(participants=[world.member_a.pk], files=[png_upload("合影.png"), pdf_upload("签到表.pdf")]),
    )
    record = ActivityRecord.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("campaign:activity_detail", args=[record.pk])
    assert record.org == world.branch_a and record.campaign == c2 and record.created_by == people["secretary"]
    assert list(record.participants.all()) == [world.member_a]
    assert record.participant_count == 8

    detail = client.get(response["Location"]).content.decode()
    image, document = record.attachments.order_by("pk")
    assert f'<img class="img-thumbnail" src="{reverse("campaign:attachment", args=[image.pk])}"' in detail
    assert f'<a href="{reverse("campaign:attachment", args=[document.pk])}">签到表.pdf</a>' in detail
    assert "走访慰问困难群众" in detail and "张建国" in detail and "服务群众" in detail


def test_org_department_picks_the_org_by_code(world, c2, people, login):
    client = login(people["org_department"])
    page = client.get(reverse("campaign:activity_create")).content.decode()
    assert "基层党组织编码" in page
    page = client.get(reverse("campaign:activity_create") + "?org=" + world.branch_b.code).content.decode()
    assert "找不到编码为“130223100201”的组织，或它不在您的管理范围内" in page
    page = client.get(reverse("campaign:activity_create") + "?org=" + world.town_a.code).content.decode()
    assert "不是基层党组织" in page
    page = client.get(reverse("campaign:activity_create") + "?org=" + world.branch_a2.code).content.decode()
    assert "正定镇中学党支部" in page and "李秀英" in page and 'name="title"' in page
    response = client.post(reverse("campaign:activity_create") + "?org=" + world.branch_a2.code, form_data())
    assert response.status_code == 302
    assert ActivityRecord.objects.get().org == world.branch_a2


def test_member_of_another_org_cannot_be_chosen(world, c2, people, login):
    response = login(people["secretary"]).post(
        reverse("campaign:activity_create") + "?org=" + world.branch_a.code,
        form_data(participants=[world.member_b.pk]),
    )
    assert response.status_code == 200
    assert "选择一个有效的选项" in response.content.decode()
    assert not ActivityRecord.objects.exists()


def test_wrong_phase_is_refused(world, campaign, people, login):
    """The running test campaign is in phase one: records are written from phase two on."""
    client = login(people["secretary"])
    page = client.get(reverse("campaign:activity_create")).content.decode()
    assert "当前处于第一步骤（广泛发动，安排部署），不能进行此项操作" in page
    assert 'name="title"' not in page
    response = client.post(reverse("campaign:activity_create") + "?org=" + world.branch_a.code, form_data())
    assert "当前处于第一步骤（广泛发动，安排部署），不能进行此项操作" in response.content.decode()
    assert not ActivityRecord.objects.exists()
    with pytest.raises(ValidationError, match="第一步骤"):
        create(world, people["secretary"])


def test_ended_campaign_is_refused(world, seed_campaign, people):
    with pytest.raises(ValidationError, match="活动已经结束"):
        create(world, people["secretary"])


@pytest.mark.parametrize("phase", [2, 3, 4])
def test_phases_two_to_four_allow_writing(world, seed_campaign, people, phase):
    running = campaign_in_phase(seed_campaign, phase)
    record = create(world, people["secretary"])
    assert record.campaign == running


# ----- rules in the service -----


def test_service_refuses_members_of_other_orgs(world, c2, people):
    with pytest.raises(ValidationError) as caught:
        create(world, people["secretary"], participants=[world.member_a, world.member_a2])
    assert caught.value.message_dict == {"participants": ["李秀英 不是本组织党员"]}


def test_participant_count_not_below_chosen_members(world, c2, people):
    second = MemberFactory(org=world.branch_a, name="赵红")
    with pytest.raises(ValidationError) as caught:
        create(world, people["secretary"], participant_count=1, participants=[world.member_a, second])
    assert caught.value.message_dict == {"participant_count": ["参加人数不能少于所选参加党员人数（2 人）"]}


def test_date_rules(world, c2, people):
    with pytest.raises(ValidationError) as caught:
        create(world, people["secretary"], date=timezone.localdate() + datetime.timedelta(days=1))
    assert caught.value.message_dict == {"date": ["活动日期不能晚于今天"]}
    with pytest.raises(ValidationError) as caught:
        create(world, people["secretary"], date=c2.start_date - datetime.timedelta(days=1))
    assert "活动日期应在本次活动期间" in caught.value.message_dict["date"][0]


@pytest.mark.parametrize("role", ["leading_group", "sector_supervisor", "member"])
def test_service_refuses_wrong_roles(world, c2, people, role):
    with pytest.raises(PermissionDenied):
        create(world, people[role])


def test_service_refuses_outside_scope_and_non_basic_orgs(world, c2, people):
    with pytest.raises(PermissionDenied):
        services.create_activity(
            world.branch_b,
            by=people["org_department"],
            activity_type=ActivityType.SERVE_MASSES,
            date=YESTERDAY,
            title="x",
            participant_count=1,
        )
    with pytest.raises(PermissionDenied):
        services.create_activity(
            world.town_a,
            by=people["org_department"],
            activity_type=ActivityType.SERVE_MASSES,
            date=YESTERDAY,
            title="x",
            participant_count=1,
        )


def test_service_rechecks_files_and_writes_nothing(world, c2, people, media):
    from django.core.files.uploadedfile import SimpleUploadedFile

    bad = SimpleUploadedFile("photo.jpg", b"\x7fELF" + b"\x00" * 64)
    with pytest.raises(ValidationError, match="不是允许的类型"):
        create(world, people["secretary"], files=[png_upload(), bad])
    assert not ActivityRecord.objects.exists() and not Attachment.objects.exists()
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))


def test_five_activities_milestone_follows_the_records(world, c2, people):
    done = MilestoneDone.objects.filter(milestone__campaign=c2, milestone__code="five_activities", org=world.branch_a)
    records = [create(world, people["secretary"], activity_type=t) for t in ActivityType.values[:4]]
    assert not done.exists()
    create(world, people["secretary"], activity_type=ActivityType.values[4])
    assert done.exists()
    services.delete_activity(records[0], by=people["secretary"])
    assert not done.exists()


# ----- edit and delete -----


def test_edit_changes_fields_and_attachments(world, c2, people, login, django_capture_on_commit_callbacks):
    record = create(world, people["secretary"], files=[png_upload("旧.png")])
    old = record.attachments.get()
    old_path = old.file.path
    client = login(people["secretary"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("campaign:activity_edit", args=[record.pk]),
            form_data(
                title="走访慰问（补充）",
                participants=[world.member_a.pk],
                remove_attachments=[old.pk],
                files=[pdf_upload("新.pdf", pdf_bytes())],
            ),
        )
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.title == "走访慰问（补充）"
    assert [a.original_name for a in record.attachments.all()] == ["新.pdf"]
    assert list(record.participants.all()) == [world.member_a]
    import os

    assert not os.path.exists(old_path)


def test_delete_removes_record_attachments_and_files(world, c2, people, login, django_capture_on_commit_callbacks):
    record = create(world, people["secretary"], files=[png_upload()])
    path = record.attachments.get().file.path
    with django_capture_on_commit_callbacks(execute=True):
        response = login(people["secretary"]).post(reverse("campaign:activity_delete", args=[record.pk]))
    assert response.status_code == 302
    assert not ActivityRecord.objects.exists() and not Attachment.objects.exists()
    import os

    assert not os.path.exists(path)


def test_edit_and_delete_refused_after_the_campaign(world, seed_campaign, people, login):
    record = make_activity(world.branch_a, seed_campaign, date=datetime.date(2010, 7, 1))
    client = login(people["secretary"])
    response = client.post(reverse("campaign:activity_edit", args=[record.pk]), form_data(date="2010-07-02"))
    assert "活动已经结束" in response.content.decode()
    response = client.post(reverse("campaign:activity_delete", args=[record.pk]), follow=True)
    assert "活动已经结束" in response.content.decode()
    assert ActivityRecord.objects.filter(pk=record.pk, date=datetime.date(2010, 7, 1)).exists()


# ----- the list -----


def test_list_shows_records_in_scope_only(world, c2, people, login):
    make_activity(world.branch_a, c2, title="塔元庄走访")
    make_activity(world.branch_a2, c2, title="中学党课", activity_type=ActivityType.PARTY_EDUCATION)
    make_activity(world.branch_b, c2, title="滦州走访")
    seen = {}
    for role in ("leading_group", "org_department", "sector_supervisor", "secretary"):
        html = login(people[role]).get(reverse("campaign:activity_list")).content.decode()
        seen[role] = {t for t in ("塔元庄走访", "中学党课", "滦州走访") if t in html}
    assert seen == {
        "leading_group": {"塔元庄走访", "中学党课"},
        "org_department": {"塔元庄走访", "中学党课"},
        "sector_supervisor": {"塔元庄走访"},  # 农村 only
        "secretary": {"塔元庄走访"},
    }


def test_list_filters_by_type_month_and_org(world, c2, people, login):
    today = timezone.localdate()
    this_month = today.replace(day=1)
    last_month = this_month - datetime.timedelta(days=1)
    make_activity(world.branch_a, c2, title="本月走访", date=today)
    make_activity(world.branch_a, c2, title="上月走访", date=last_month)
    make_activity(world.branch_a2, c2, title="中学党课", date=today, activity_type=ActivityType.PARTY_EDUCATION)
    client = login(people["leading_group"])

    def titles(**params):
        html = client.get(reverse("campaign:activity_list"), params).content.decode()
        return {t for t in ("本月走访", "上月走访", "中学党课") if t in html}

    assert titles(type="party_education") == {"中学党课"}
    assert titles(month=f"{last_month:%Y-%m}") == {"上月走访"}
    assert titles(org=world.branch_a.code) == {"本月走访", "上月走访"}
    assert titles(org=world.town_a.code, type="serve_masses", month=f"{today:%Y-%m}") == {"本月走访"}
    html = client.get(reverse("campaign:activity_list"), {"org": world.branch_b.code}).content.decode()
    assert "找不到编码为“130223100201”的组织，或它不在您的范围内" in html and "滦州" not in html
    html = client.get(reverse("campaign:activity_list"), {"month": "2010-13"}).content.decode()
    assert "月份格式应为 年-月" in html


def test_list_org_filter_is_the_picker_and_keeps_the_code(world, c2, people, login):
    """The organization filter is the scoped picker (name, pinyin initials, tree); the query stays ?org=<code>."""
    client = login(people["leading_group"])
    html = client.get(reverse("campaign:activity_list"), {"org": world.branch_a.code}).content.decode()
    assert 'name="org"' in html and 'role="combobox"' in html and "data-org-picker" in html
    assert f'value="{world.branch_a.code}"' in html
    assert f"已选择：{world.branch_a.name}（{world.branch_a.code}）" in html
    html = client.get(reverse("campaign:activity_list"), {"org": world.branch_b.code}).content.decode()
    assert f"已选择：{world.branch_b.name}" not in html and world.branch_b.name not in html


def test_list_counts_attachments(world, c2, people, login):
    record = make_activity(world.branch_a, c2, title="有附件的活动")
    attach_files(record, [png_upload(), pdf_upload(), png_upload("b.png")], org=world.branch_a, by=None)
    response = login(people["secretary"]).get(reverse("campaign:activity_list"))
    assert [r.attachment_count for r in response.context["object_list"]] == [3]
    assert '<td class="text-end d-none d-sm-table-cell">3</td>' in response.content.decode()


def test_badge_members_listed_for_badge_activity(world, c2, people, login):
    org_services.update_member(world.member_a, by=SYSTEM, fields={"badge_vanguard_post": True})
    org_services.update_member(world.member_b, by=SYSTEM, fields={"badge_demo_household": True})
    plain = MemberFactory(org=world.branch_a, name="无牌党员")
    client = login(people["org_department"])
    html = client.get(reverse("campaign:activity_list"), {"type": "badge_demo"}).content.decode()
    assert "亮牌示范党员" in html
    assert "张建国" in html and "党员先锋岗" in html
    assert "王志强" not in html and plain.name not in html  # other subtree; no badge
    html = client.get(reverse("campaign:activity_list"), {"type": "serve_masses"}).content.decode()
    assert "亮牌示范党员" not in html


def test_list_query_count_is_constant(world, c2, people, login, settings):
    client = login(people["org_department"])
    url = reverse("campaign:activity_list")

    def count():
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        assert response.status_code == 200
        return len(ctx.captured_queries), len(response.context["object_list"])

    first = make_activity(world.branch_a, c2)
    attach_files(first, [png_upload()], org=world.branch_a, by=None)
    one, rows = count()
    assert rows == 1
    extra_org = make_org(world.town_a, code="130123100299")
    for i in range(29):
        record = make_activity(extra_org if i % 2 else world.branch_a2, c2, title=f"活动{i}")
        attach_files(record, [png_upload()], org=record.org, by=None)
    thirty, rows = count()
    assert rows == 30
    assert one == thirty


# ----- permission matrix -----

ROLES = ["leading_group", "org_department", "sector_supervisor", "secretary", "member"]
READERS = {"leading_group", "org_department", "sector_supervisor", "secretary"}
WRITERS = {"org_department", "secretary"}


def matrix(world, c2):
    mine = make_activity(world.branch_a, c2, title="本支部活动")
    other = make_activity(world.branch_b, c2, title="外地活动")
    return [
        ("activity_list", "get", reverse("campaign:activity_list"), None, READERS),
        ("activity_create", "get", reverse("campaign:activity_create"), None, WRITERS),
        (
            "activity_detail",
            "get",
            reverse("campaign:activity_detail", args=[mine.pk]),
            reverse("campaign:activity_detail", args=[other.pk]),
            READERS,
        ),
        (
            "activity_edit",
            "get",
            reverse("campaign:activity_edit", args=[mine.pk]),
            reverse("campaign:activity_edit", args=[other.pk]),
            WRITERS,
        ),
        (
            "activity_delete",
            "post",
            reverse("campaign:activity_delete", args=[mine.pk]),
            reverse("campaign:activity_delete", args=[other.pk]),
            WRITERS,
        ),
    ]


def test_anonymous_goes_to_login(world, c2, client):
    for name, method, url, _other, _roles in matrix(world, c2):
        response = getattr(client, method)(url)
        assert response.status_code == 302, name
        assert response["Location"].startswith(reverse("login")), name


@pytest.mark.parametrize("role", ROLES)
def test_matrix(world, c2, people, login, role):
    client = login(people[role])
    for name, method, url, other_url, allowed in matrix(world, c2):
        response = getattr(client, method)(url)
        expected = (302 if method == "post" else 200) if role in allowed else 403
        assert response.status_code == expected, (name, role, response.status_code)
        if other_url:
            assert getattr(client, method)(other_url).status_code == 404, (name, role)
        if name == "activity_list" and role in allowed:
            html = response.content.decode()
            assert "本支部活动" in html and "外地活动" not in html
