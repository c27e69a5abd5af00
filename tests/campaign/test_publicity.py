"""Publicity: sanitized stories, draft → submitted → approved → published (or rejected), public pages."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from campaign.models import Notification, Story, StoryStatus
from campaign.models.publicity import sanitize_html
from campaign.services import publicity as services
from orgs.enums import Role
from tests.factories import make_org, user_with_role
from tests.factories.campaign_activities import campaign_in_phase, make_story, png_bytes, png_upload

EVIL = (
    '<p onclick="steal()">先进事迹<script>alert("x")</script></p>'
    '<img src="x" onerror="alert(1)">'
    "<style>body{display:none}</style>"
    '<h3 style="color:red">带头致富</h3><blockquote>群众评价</blockquote>'
    "<ul><li><strong>修路</strong></li><li><em>架桥</em></li></ul>"
    '<a href="javascript:alert(1)">坏链接</a> <a href="https://example.org/a" target="_blank">报道原文</a>'
    "<iframe src='https://evil.example'></iframe><h1>大标题</h1>"
)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def c2(seed_campaign):
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


def test_a_submitted_story_goes_to_the_nearest_department_of_its_sector(world, people, campaign):
    """A 组织部 of one sector (the township's for schools) is nearer than the county's only for a school's story
    (orgs.queries.nearest_departments, the rule plan approvals follow)."""
    schools = user_with_role(world.town_a, Role.ORG_DEPARTMENT, sector="school", username="town_schools")
    rural = write(world, people)
    services.submit_story(rural, by=people["secretary"])
    assert list(Notification.objects.values_list("user", flat=True)) == [people["org_department"].pk]
    school_secretary = user_with_role(world.branch_a2, Role.SECRETARY)
    school = services.create_story(
        world.branch_a2, by=school_secretary, kind="deeds", title="三尺讲台的好党员", body="<p>扎根山区教书。</p>"
    )
    services.submit_story(school, by=school_secretary)
    assert Notification.objects.filter(title__contains="三尺讲台").get().user == schools


def write(world, people, **extra):
    fields = {"kind": "deeds", "title": "扎根农村的好支书", "body": "<p>带领群众修路。</p>"}
    fields.update(extra)
    return services.create_story(world.branch_a, by=people["secretary"], **fields)


# ----- sanitization -----


def test_sanitize_keeps_only_allowed_markup():
    clean = sanitize_html(EVIL)
    for bad in ("<script", "alert(", "onclick", "onerror", "<img", "<style", "style=", "javascript:", "<iframe", "<h1"):
        assert bad not in clean, bad
    for good in ("<h3>带头致富</h3>", "<blockquote>群众评价</blockquote>", "<strong>修路</strong>", "<em>架桥</em>"):
        assert good in clean
    assert '<a href="https://example.org/a" rel="noopener">报道原文</a>' in clean
    assert "先进事迹" in clean and "大标题" in clean


def test_body_is_sanitized_on_save(world, c2, people):
    story = write(world, people, body=EVIL)
    story.refresh_from_db()
    assert "<script" not in story.body and "onerror" not in story.body and "onclick" not in story.body
    assert '<a href="https://example.org/a" rel="noopener">' in story.body


def test_body_is_sanitized_on_render_too(world, c2, people, login, client):
    """A row written around the service (import, admin, old data) still renders harmless."""
    story = make_story(world.branch_a, c2, status=StoryStatus.PUBLISHED, body=EVIL)
    assert "<script" in Story.objects.get(pk=story.pk).body
    for page in (
        login(people["secretary"]).get(reverse("campaign:story_detail", args=[story.pk])),
        client.get(reverse("campaign:public_story_detail", args=[story.pk])),
    ):
        html = page.content.decode()
        assert 'alert("x")' not in html and "onerror" not in html and "onclick" not in html
        assert "<h3>带头致富</h3>" in html


def test_empty_body_after_cleaning_is_refused(world, c2, people):
    with pytest.raises(ValidationError) as caught:
        write(world, people, body="<script>alert(1)</script><img src=x onerror=alert(1)>")
    assert caught.value.message_dict == {"body": ["正文不能为空（只保留允许的标签后没有文字）"]}


# ----- workflow -----


def test_full_workflow_through_the_pages(world, c2, people, login, client):
    writer = login(people["secretary"])
    response = writer.post(
        reverse("campaign:story_create"),
        {
            "org": world.branch_a.code,
            "kind": "deeds",
            "title": "扎根农村的好支书",
            "body": "<p>张建国同志<strong>带领群众</strong>修路。</p><script>x()</script>",
            "cover": png_upload("封面.png"),
        },
    )
    story = Story.objects.get()
    assert response.status_code == 302
    assert story.status == StoryStatus.DRAFT and story.created_by == people["secretary"]
    assert story.body == "<p>张建国同志<strong>带领群众</strong>修路。</p>"
    assert story.cover.content_type == "image/png"

    assert writer.post(reverse("campaign:story_action", args=[story.pk, "submit"])).status_code == 302
    story.refresh_from_db()
    assert story.status == StoryStatus.SUBMITTED and story.submitted_at
    # The county's 组织部 (nearest superior with an account) is told.
    assert Notification.objects.get().user == people["org_department"]
    # The writer cannot review their own story.
    assert writer.post(reverse("campaign:story_action", args=[story.pk, "approve"])).status_code == 403
    assert client.get(reverse("campaign:public_story_detail", args=[story.pk])).status_code == 404

    reviewer = login(people["org_department"])
    page = reviewer.get(reverse("campaign:story_list"), {"pending": "1"}).content.decode()
    assert "扎根农村的好支书" in page
    assert reviewer.post(reverse("campaign:story_action", args=[story.pk, "approve"])).status_code == 302
    story.refresh_from_db()
    assert story.status == StoryStatus.APPROVED and story.reviewed_by == people["org_department"]
    assert client.get(reverse("campaign:public_story_detail", args=[story.pk])).status_code == 404

    assert reviewer.post(reverse("campaign:story_action", args=[story.pk, "publish"])).status_code == 302
    story.refresh_from_db()
    assert story.status == StoryStatus.PUBLISHED and story.published_at

    client.logout()
    listing = client.get(reverse("campaign:public_story_list")).content.decode()
    assert "扎根农村的好支书" in listing and "塔元庄村党支部" in listing
    detail = client.get(reverse("campaign:public_story_detail", args=[story.pk])).content.decode()
    assert "<strong>带领群众</strong>" in detail
    assert people["secretary"].full_name not in detail  # no author, no account data
    cover = client.get(reverse("campaign:public_story_cover", args=[story.pk]))
    assert cover.status_code == 200 and cover["Content-Type"] == "image/png"
    assert b"".join(cover.streaming_content) == png_bytes()


def test_reject_needs_a_reason_then_writer_revises(world, c2, people, login):
    story = write(world, people)
    services.submit_story(story, by=people["secretary"])
    reviewer = login(people["org_department"])
    url = reverse("campaign:story_action", args=[story.pk, "reject"])
    html = reviewer.post(url, {"reason": "  "}).content.decode()
    assert "这个字段是必填项。" in html
    story.refresh_from_db()
    assert story.status == StoryStatus.SUBMITTED
    reviewer.post(url, {"reason": "事迹不够具体，请补充数据"})
    story.refresh_from_db()
    assert story.status == StoryStatus.REJECTED and story.reject_reason == "事迹不够具体，请补充数据"
    assert Notification.objects.filter(user=people["secretary"], title__startswith="宣传稿件被退回").exists()

    writer = login(people["secretary"])
    assert "事迹不够具体，请补充数据" in writer.get(reverse("campaign:story_edit", args=[story.pk])).content.decode()
    response = writer.post(
        reverse("campaign:story_edit", args=[story.pk]),
        {"kind": "deeds", "title": "扎根农村的好支书", "body": "<p>三年修路十二公里。</p>"},
    )
    assert response.status_code == 302
    services.submit_story(story, by=people["secretary"])
    story.refresh_from_db()
    assert story.status == StoryStatus.SUBMITTED and story.body == "<p>三年修路十二公里。</p>"
    with pytest.raises(ValidationError) as caught:
        services.reject_story(story, by=people["org_department"], reason="")
    assert caught.value.message_dict == {"reason": ["退回时请填写理由"]}


@pytest.mark.parametrize(
    "status,action,message",
    [
        (StoryStatus.DRAFT, "approve", "稿件当前为“草稿”，不能审核通过"),
        (StoryStatus.DRAFT, "publish", "稿件当前为“草稿”，不能发布"),
        (StoryStatus.SUBMITTED, "publish", "稿件当前为“待审核”，不能发布"),
        (StoryStatus.PUBLISHED, "reject", "稿件当前为“已发布”，不能退回"),
        (StoryStatus.APPROVED, "approve", "稿件当前为“已审核”，不能审核通过"),
    ],
)
def test_wrong_transitions_are_refused(world, c2, people, login, status, action, message):
    story = make_story(world.branch_a, c2, status=status)
    response = login(people["org_department"]).post(
        reverse("campaign:story_action", args=[story.pk, action]), {"reason": "理由"}
    )
    assert message in response.content.decode()
    story.refresh_from_db()
    assert story.status == status


@pytest.mark.parametrize("status", [StoryStatus.SUBMITTED, StoryStatus.APPROVED, StoryStatus.PUBLISHED])
def test_frozen_stories_cannot_be_edited(world, c2, people, login, status):
    story = make_story(world.branch_a, c2, status=status)
    with pytest.raises(ValidationError, match="不能再修改"):
        services.update_story(story, by=people["secretary"], kind="deeds", title="改", body="<p>改</p>")
    client = login(people["secretary"])
    response = client.get(reverse("campaign:story_edit", args=[story.pk]), follow=True)
    assert "稿件已提交审核或已发布，不能再修改" in response.content.decode()
    with pytest.raises(ValidationError, match="不能提交审核"):
        services.submit_story(story, by=people["secretary"])


def test_reviewer_must_cover_the_parent(world, c2, people):
    """An 组织部 role on the organization itself is not its superior; the county's is; the city's too."""
    story = make_story(world.branch_a, c2, status=StoryStatus.SUBMITTED)
    own_level = user_with_role(world.branch_a, Role.ORG_DEPARTMENT)
    with pytest.raises(PermissionDenied):
        services.approve_story(story, by=own_level)
    with pytest.raises(PermissionDenied):
        services.approve_story(story, by=people["leading_group"])  # a leading group reads, never reviews
    county_story = make_story(world.county_a, c2, status=StoryStatus.SUBMITTED)
    with pytest.raises(PermissionDenied):
        services.approve_story(county_story, by=people["org_department"])  # the county cannot approve itself
    services.approve_story(county_story, by=user_with_role(world.city_a, Role.ORG_DEPARTMENT))
    county_story.refresh_from_db()
    assert county_story.status == StoryStatus.APPROVED


def test_writer_roles(world, c2, people):
    for role in ("leading_group", "sector_supervisor", "member"):
        with pytest.raises(PermissionDenied):
            services.create_story(world.branch_a, by=people[role], kind="deeds", title="t", body="<p>x</p>")
    with pytest.raises(PermissionDenied):
        services.create_story(world.branch_b, by=people["secretary"], kind="deeds", title="t", body="<p>x</p>")
    story = services.create_story(
        world.town_a, by=people["org_department"], kind="experience", title="镇党委经验", body="<p>x</p>"
    )
    assert story.org == world.town_a


def test_create_form_refuses_org_outside_scope_and_bad_cover(world, c2, people, login):
    client = login(people["secretary"])
    html = client.post(
        reverse("campaign:story_create"),
        {"org": world.branch_b.code, "kind": "deeds", "title": "t", "body": "<p>x</p>"},
    ).content.decode()
    assert "找不到编码为“130223100201”的组织，或它不在您的管理范围内" in html
    from django.core.files.uploadedfile import SimpleUploadedFile

    html = client.post(
        reverse("campaign:story_create"),
        {
            "org": world.branch_a.code,
            "kind": "deeds",
            "title": "t",
            "body": "<p>x</p>",
            "cover": SimpleUploadedFile("cover.pdf", b"%PDF-1.4\n%%EOF\n"),
        },
    ).content.decode()
    assert "封面只能上传图片（JPG、PNG、GIF、WebP）" in html
    assert not Story.objects.exists()


# ----- public pages -----


@pytest.mark.parametrize(
    "status", [StoryStatus.DRAFT, StoryStatus.SUBMITTED, StoryStatus.APPROVED, StoryStatus.REJECTED]
)
def test_unpublished_story_is_404_publicly(world, c2, client, status):
    story = make_story(world.branch_a, c2, status=status, title="未发布稿件")
    assert client.get(reverse("campaign:public_story_detail", args=[story.pk])).status_code == 404
    assert client.get(reverse("campaign:public_story_cover", args=[story.pk])).status_code == 404
    assert "未发布稿件" not in client.get(reverse("campaign:public_story_list")).content.decode()


def test_public_list_filters_by_kind(world, c2, client):
    make_story(world.branch_a, c2, status=StoryStatus.PUBLISHED, title="事迹一", kind="deeds")
    make_story(world.branch_b, c2, status=StoryStatus.PUBLISHED, title="经验一", kind="experience")
    html = client.get(reverse("campaign:public_story_list")).content.decode()
    assert "事迹一" in html and "经验一" in html
    html = client.get(reverse("campaign:public_story_list"), {"kind": "experience"}).content.decode()
    assert "经验一" in html and "事迹一" not in html
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html


# ----- lists: scope and query counts -----


def test_story_list_in_scope_only(world, c2, people, login):
    make_story(world.branch_a, c2, title="塔元庄稿件")
    make_story(world.branch_a2, c2, title="中学稿件")
    make_story(world.branch_b, c2, title="滦州稿件")
    expected = {
        "leading_group": {"塔元庄稿件", "中学稿件"},
        "org_department": {"塔元庄稿件", "中学稿件"},
        "sector_supervisor": {"塔元庄稿件"},
        "secretary": {"塔元庄稿件"},
    }
    for role, titles in expected.items():
        html = login(people[role]).get(reverse("campaign:story_list")).content.decode()
        assert {t for t in ("塔元庄稿件", "中学稿件", "滦州稿件") if t in html} == titles, role


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries), len(response.context["object_list"])


def test_list_query_counts_constant(world, c2, people, login, client):
    make_story(world.branch_a, c2, status=StoryStatus.PUBLISHED)
    public_one = _count(client, reverse("campaign:public_story_list"))
    staff = login(people["org_department"])
    one = _count(staff, reverse("campaign:story_list"))
    extra = make_org(world.town_a, code="130123100299")
    for i in range(29):
        make_story(extra if i % 2 else world.branch_a2, c2, status=StoryStatus.PUBLISHED, title=f"稿件{i}")
    thirty = _count(staff, reverse("campaign:story_list"))
    assert one[1] == 1 and thirty[1] == 30 and one[0] == thirty[0]
    client.logout()
    public_many = _count(client, reverse("campaign:public_story_list"))
    assert public_one[1] == 1 and public_many[1] == 20  # a page of the public list
    assert public_one[0] == public_many[0]


# ----- permission matrix -----

ROLES = ["leading_group", "org_department", "sector_supervisor", "secretary", "member"]
READERS = {"leading_group", "org_department", "sector_supervisor", "secretary"}
WRITERS = {"org_department", "secretary"}


def test_anonymous(world, c2, client):
    story = make_story(world.branch_a, c2, status=StoryStatus.PUBLISHED)
    for url in (
        reverse("campaign:story_list"),
        reverse("campaign:story_create"),
        reverse("campaign:story_detail", args=[story.pk]),
        reverse("campaign:story_edit", args=[story.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login")), url
    response = client.post(reverse("campaign:story_action", args=[story.pk, "publish"]))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert client.get(reverse("campaign:public_story_list")).status_code == 200
    assert client.get(reverse("campaign:public_story_detail", args=[story.pk])).status_code == 200


@pytest.mark.parametrize("role", ROLES)
def test_matrix(world, c2, people, login, role):
    mine = make_story(world.branch_a, c2, title="本支部稿件")
    submitted = make_story(world.branch_a, c2, status=StoryStatus.SUBMITTED, title="待审稿件")
    other = make_story(world.branch_b, c2, title="外地稿件")
    other_submitted = make_story(world.branch_b, c2, status=StoryStatus.SUBMITTED)
    client = login(people[role])
    approve = "campaign:story_action"
    cases = [
        ("get", reverse("campaign:story_list"), None, READERS, 200),
        ("get", reverse("campaign:story_create"), None, WRITERS, 200),
        (
            "get",
            reverse("campaign:story_detail", args=[mine.pk]),
            reverse("campaign:story_detail", args=[other.pk]),
            READERS,
            200,
        ),
        (
            "get",
            reverse("campaign:story_edit", args=[mine.pk]),
            reverse("campaign:story_edit", args=[other.pk]),
            WRITERS,
            200,
        ),
        (
            "post",
            reverse(approve, args=[mine.pk, "submit"]),
            reverse(approve, args=[other.pk, "submit"]),
            WRITERS,
            302,
        ),
        (
            "post",
            reverse(approve, args=[submitted.pk, "approve"]),
            reverse(approve, args=[other_submitted.pk, "approve"]),
            {"org_department"},
            302,
        ),
    ]
    for method, url, outside_url, allowed, ok in cases:
        response = getattr(client, method)(url)
        assert response.status_code == (ok if role in allowed else 403), (url, role, response.status_code)
        if outside_url is not None:
            assert getattr(client, method)(outside_url).status_code == 404, (outside_url, role)
    if role in READERS:
        html = client.get(reverse("campaign:story_list")).content.decode()
        assert "本支部稿件" in html and "外地稿件" not in html
