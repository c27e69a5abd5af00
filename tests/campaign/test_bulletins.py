"""信息简报: who issues, numbering per issuing node and year, published stories of the subtree, the distribution
list, readers and their inbox, the PDF in the official layout with a CJK font; query counts."""

import datetime
import subprocess

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from campaign.models import Bulletin, BulletinStatus, Notification, StoryStatus
from campaign.services import bulletins as services
from tests.factories.campaign_activities import make_story
from tests.factories.campaign_masses import People, make_leading_group

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


@pytest.fixture
def people(world):
    return People(world)


@pytest.fixture
def city_group(world):
    return make_leading_group(world.city_a, name="石家庄市创先争优活动领导小组")


@pytest.fixture
def stories(world, campaign):
    return {
        "a": make_story(world.branch_a, campaign, status=StoryStatus.PUBLISHED, title="塔元庄村修路记"),
        "a2": make_story(world.branch_a2, campaign, status=StoryStatus.PUBLISHED, title="中学党员先锋岗"),
        "draft": make_story(world.branch_a, campaign, status=StoryStatus.DRAFT, title="未发布的草稿"),
        "b": make_story(world.branch_b, campaign, status=StoryStatus.PUBLISHED, title="滦州村经验"),
    }


def text(response):
    return response.content.decode()


def draft(world, people, pool, **kwargs):
    return services.create_bulletin(
        world.city_a,
        by=people.city_od,
        stories=kwargs.pop("stories", [pool["a"], pool["a2"]]),
        recipients=kwargs.pop("recipients", [world.county_a]),
        report_to="省委创先争优活动领导小组办公室",
        **kwargs,
    )


# --- who issues -----------------------------------------------------------------------------------


def test_only_the_office_of_a_node_with_a_leading_group_issues(world, people, stories, login):
    with pytest.raises(PermissionDenied):
        draft(world, people, stories)  # no leading group yet
    page = text(login(people.city_od).get(reverse("campaign:bulletin_create")))
    assert "尚未成立创先争优活动领导小组" in page
    make_leading_group(world.city_a, name="石家庄市创先争优活动领导小组")
    bulletin = draft(world, people, stories)
    assert bulletin.editor == "石家庄市创先争优活动领导小组办公室" and bulletin.status == BulletinStatus.DRAFT
    # the leading group on the node issues too; a superior or subordinate office does not
    services.create_bulletin(world.city_a, by=people.city_lg, stories=[stories["a"]], recipients=[world.county_a])
    for who in ("province_od", "county_od", "secretary_a", "instructor"):
        with pytest.raises(PermissionDenied):
            services.create_bulletin(world.city_a, by=getattr(people, who), stories=[stories["a"]])
    assert login(people.county_od).get(reverse("campaign:bulletin_create") + "?org=130100").status_code == 404
    assert login(people.province_od).get(reverse("campaign:bulletin_create") + "?org=130100").status_code == 403
    assert login(people.secretary_a).get(reverse("campaign:bulletin_create")).status_code == 403


def test_office_writes_a_draft_through_the_page(world, people, city_group, stories, login):
    client = login(people.city_od)
    form_page = client.get(reverse("campaign:bulletin_create"))
    page = text(form_page)
    assert "塔元庄村修路记" in page and "中学党员先锋岗" in page
    assert "未发布的草稿" not in page and "滦州村经验" not in page  # unpublished / other subtree
    assert "正定县" in page and "唐山市" not in page  # recipients: the city's children
    response = client.post(
        reverse("campaign:bulletin_create") + f"?org={world.city_a.code}",
        {
            "masthead": "创先争优活动简报",
            "editor": "",
            "report_to": "省委创先争优活动领导小组办公室",
            "stories": [stories["a"].pk],
            "recipients": [world.county_a.pk],
        },
    )
    bulletin = Bulletin.objects.get()
    assert response.status_code == 302 and bulletin.editor == "石家庄市创先争优活动领导小组办公室"
    assert "创先争优活动简报（草稿）" in text(client.get(reverse("campaign:bulletin_detail", args=[bulletin.pk])))


def test_stories_must_be_published_and_of_the_subtree_recipients_children(world, people, city_group, stories):
    with pytest.raises(ValidationError) as error:
        draft(world, people, stories, stories=[stories["draft"]])
    assert "尚未发布" in str(error.value)
    with pytest.raises(ValidationError) as error:
        draft(world, people, stories, stories=[stories["b"]])
    assert "不是本地区的稿件" in str(error.value)
    with pytest.raises(ValidationError) as error:
        draft(world, people, stories, recipients=[world.town_a])
    assert "不是石家庄市的下级组织" in str(error.value)
    assert not Bulletin.objects.exists()


# --- numbering ------------------------------------------------------------------------------------


def test_numbers_count_per_issuing_node_and_year(world, people, city_group, stories):
    last_year = datetime.date(TODAY().year - 1, 12, 30)
    first = services.issue_bulletin(draft(world, people, stories), by=people.city_od, issue_date=last_year)
    second = services.issue_bulletin(draft(world, people, stories), by=people.city_od, issue_date=last_year)
    this_year = services.issue_bulletin(draft(world, people, stories), by=people.city_lg)
    make_leading_group(world.county_a, name="正定县创先争优活动领导小组")
    county = services.create_bulletin(
        world.county_a, by=people.county_od, stories=[stories["a"]], recipients=[world.town_a]
    )
    county = services.issue_bulletin(county, by=people.county_od)
    assert [(b.year, b.number) for b in (first, second, this_year, county)] == [
        (last_year.year, 1),
        (last_year.year, 2),
        (TODAY().year, 1),
        (TODAY().year, 1),
    ]
    assert second.title == "创先争优活动简报 第2期"
    assert county.editor == "正定县创先争优活动领导小组办公室"


def test_issue_rules(world, people, city_group, stories, login):
    empty = services.create_bulletin(world.city_a, by=people.city_od)
    with pytest.raises(ValidationError) as error:
        services.issue_bulletin(empty, by=people.city_od)
    assert "请至少编入一篇已发布的稿件" in str(error.value)
    no_recipients = draft(world, people, stories, recipients=[])
    with pytest.raises(ValidationError) as error:
        services.issue_bulletin(no_recipients, by=people.city_od)
    assert "请选择分发范围" in str(error.value)
    bulletin = draft(world, people, stories)
    response = login(people.city_od).post(
        reverse("campaign:bulletin_issue", args=[bulletin.pk]),
        {"issue_date": (TODAY() + datetime.timedelta(days=1)).isoformat()},
    )
    assert response.status_code == 200 and "印发日期不能晚于今天" in text(response)
    response = login(people.city_od).post(
        reverse("campaign:bulletin_issue", args=[bulletin.pk]), {"issue_date": TODAY().isoformat()}
    )
    assert response.status_code == 302
    bulletin.refresh_from_db()
    assert bulletin.issued and bulletin.number == 1
    with pytest.raises(ValidationError):
        services.issue_bulletin(bulletin, by=people.city_od)
    with pytest.raises(ValidationError):
        services.update_bulletin(bulletin, by=people.city_od, fields={"masthead": "改"})
    assert login(people.city_od).get(reverse("campaign:bulletin_edit", args=[bulletin.pk])).status_code == 403


def test_item_order_can_be_changed_before_issue(world, people, city_group, stories, login):
    bulletin = draft(world, people, stories)
    items = list(bulletin.items.order_by("order"))
    assert [i.story.title for i in items] == ["塔元庄村修路记", "中学党员先锋岗"]
    login(people.city_od).post(reverse("campaign:bulletin_move", args=[bulletin.pk, items[1].pk]), {"direction": "up"})
    assert [i.story.title for i in bulletin.items.order_by("order")] == ["中学党员先锋岗", "塔元庄村修路记"]


def test_the_draft_buttons_answer_post_only_and_say_what_they_did(world, people, city_group, stories, login):
    """简报 buttons: moving a story adds no message (the page shows the order); deleting the draft says so on the
    list; a GET answers 405."""
    bulletin = draft(world, people, stories)
    client = login(people.city_od)
    detail = reverse("campaign:bulletin_detail", args=[bulletin.pk])
    item = bulletin.items.order_by("order").last()
    move = reverse("campaign:bulletin_move", args=[bulletin.pk, item.pk])
    assert client.get(move).status_code == 405
    response = client.post(move, {"direction": "up"}, follow=True)
    assert response.redirect_chain == [(detail, 302)]
    assert [str(m) for m in response.context["messages"]] == []
    delete = reverse("campaign:bulletin_delete", args=[bulletin.pk])
    assert client.get(delete).status_code == 405
    response = client.post(delete, follow=True)
    assert response.redirect_chain == [(reverse("campaign:bulletin_list"), 302)]
    assert [str(m) for m in response.context["messages"]] == ["已删除简报草稿"]
    assert not Bulletin.objects.filter(pk=bulletin.pk).exists()


# --- readers --------------------------------------------------------------------------------------


def test_readers_covering_a_distributed_organization_are_told_and_see_it(world, people, city_group, stories, login):
    bulletin = draft(world, people, stories)
    detail = reverse("campaign:bulletin_detail", args=[bulletin.pk])
    assert login(people.county_od).get(detail).status_code == 404  # drafts stay with the office
    services.issue_bulletin(bulletin, by=people.city_od)
    told = set(Notification.objects.filter(title__contains="第1期").values_list("user__username", flat=True))
    assert told == {"m_county_od", "m_county_lg", "m_sector"}
    note = Notification.objects.filter(user=people.county_od).get()
    assert note.title == "石家庄市创先争优活动领导小组办公室印发《创先争优活动简报 第1期》"
    assert "塔元庄村修路记" in note.body and note.url == detail
    for who in ("county_od", "county_lg", "city_od", "city_lg", "province_od"):
        client = login(getattr(people, who))
        assert "创先争优活动简报 第1期" in text(client.get(reverse("campaign:bulletin_list"))), who
        assert client.get(detail).status_code == 200, who
    for who in ("city_b_od", "secretary_b", "secretary_a"):
        client = login(getattr(people, who))
        assert "第1期" not in text(client.get(reverse("campaign:bulletin_list"))), who
        assert client.get(detail).status_code == 404, who


# --- PDF ------------------------------------------------------------------------------------------


def test_bulletin_pdf_in_the_official_layout_with_a_cjk_font(world, people, city_group, stories, login, tmp_path):
    bulletin = services.issue_bulletin(draft(world, people, stories), by=people.city_od)
    response = login(people.county_od).get(reverse("campaign:bulletin_pdf", args=[bulletin.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    path = tmp_path / "bulletin.pdf"
    path.write_bytes(response.content)
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    assert "CJK" in fonts
    content = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True)
    words = content.stdout.replace(" ", "")
    for expected in (
        "创先争优活动简报",
        "第1期",
        "石家庄市创先争优活动领导小组办公室",
        f"{TODAY().year}年{TODAY().month}月{TODAY().day}日",
        "塔元庄村修路记",
        "张建国同志带领群众修路架桥",
        "报：省委创先争优活动领导小组办公室",
        "发：正定县",
        "印发",
    ):
        assert expected in words, expected
    # the red masthead and page numbers come from the decision's stylesheet (shared, not copied)
    from campaign.pdf_bulletins import stylesheet_paths

    assert stylesheet_paths()[0].endswith("awards/pdf/decision.css")


def test_draft_pdf_is_a_preview_for_the_office_only(world, people, city_group, stories, login):
    bulletin = draft(world, people, stories)
    assert login(people.city_od).get(reverse("campaign:bulletin_pdf", args=[bulletin.pk])).status_code == 200
    assert login(people.county_od).get(reverse("campaign:bulletin_pdf", args=[bulletin.pk])).status_code == 404


def test_bulletin_list_query_count_is_constant(world, people, city_group, stories, login):
    client = login(people.county_od)
    services.issue_bulletin(draft(world, people, stories), by=people.city_od)
    client.get(reverse("campaign:bulletin_list"))
    with CaptureQueriesContext(connection) as one:
        response = client.get(reverse("campaign:bulletin_list"))
    assert response.context["paginator"].count == 1
    for _ in range(29):
        services.issue_bulletin(draft(world, people, stories), by=people.city_od)
    with CaptureQueriesContext(connection) as thirty:
        response = client.get(reverse("campaign:bulletin_list"))
    assert len(response.context["object_list"]) == 30
    assert len(thirty) == len(one)
