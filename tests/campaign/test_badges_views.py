"""亮牌示范 pages: the permission matrix of every URL, what each page shows, forms with their errors, the xlsx
export (same scope as the list) and flat query counts. The other city's data is always present."""

import datetime
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from campaign.models import BadgeEntry, BadgeKind, BadgeWearing
from campaign.services import badges as services
from orgs.enums import Role
from tests.factories import MemberFactory, make_org, user_with_role
from tests.factories.campaign_masses import People

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


def entry(org, by, *, kind=BadgeKind.VANGUARD_POST, member=None, place="村委会便民服务窗口", **fields):
    return services.create_entry(
        org, by=by, kind=kind, member=member, place=place, start_date=fields.pop("start", TODAY - 30 * DAY), **fields
    )


@pytest.fixture
def setup(world):
    people = People(world)
    people.county_b_od = user_with_role(world.county_b, Role.ORG_DEPARTMENT, username="b_county_b_od")
    mine = entry(world.branch_a, people.secretary_a, member=world.member_a, description="带头调解邻里纠纷")
    theirs = entry(world.branch_b, people.secretary_b, kind=BadgeKind.DEMO_HOUSEHOLD, member=world.member_b)
    services.record_wearing(world.branch_a, by=people.secretary_a, month=TODAY, wearing=1, total=1)
    services.record_wearing(world.branch_b, by=people.secretary_b, month=TODAY, wearing=1, total=1)
    return people, mine, theirs


def urls(world, mine, theirs):
    """(name, own URL, the same URL on the other city's object or node, method, writes?)."""
    return [
        ("list", reverse("campaign:badge_list"), None, "get", False),
        (
            "list_node",
            f"{reverse('campaign:badge_list')}?org={world.branch_a.code}",
            f"{reverse('campaign:badge_list')}?org={world.branch_b.code}",
            "get",
            False,
        ),
        (
            "export",
            f"{reverse('campaign:badge_export')}?org={world.branch_a.code}",
            f"{reverse('campaign:badge_export')}?org={world.branch_b.code}",
            "get",
            False,
        ),
        (
            "detail",
            reverse("campaign:badge_detail", args=[mine.pk]),
            reverse("campaign:badge_detail", args=[theirs.pk]),
            "get",
            False,
        ),
        (
            "edit",
            reverse("campaign:badge_edit", args=[mine.pk]),
            reverse("campaign:badge_edit", args=[theirs.pk]),
            "get",
            True,
        ),
        (
            "end",
            reverse("campaign:badge_end", args=[mine.pk]),
            reverse("campaign:badge_end", args=[theirs.pk]),
            "post",
            True,
        ),
        ("create", f"{reverse('campaign:badge_create')}?org={world.branch_a.code}", None, "get", True),
        ("wearing", reverse("campaign:badge_wearing"), None, "get", False),
        (
            "wearing_node",
            f"{reverse('campaign:badge_wearing')}?org={world.branch_a.code}",
            f"{reverse('campaign:badge_wearing')}?org={world.branch_b.code}",
            "get",
            False,
        ),
        ("wearing_record", f"{reverse('campaign:badge_wearing_record')}?org={world.branch_a.code}", None, "get", True),
    ]


def call(client, method, url):
    # The end form posted empty: the page answers with the error (200), never writes.
    return client.post(url, {}) if method == "post" else client.get(url)


def test_anonymous_is_sent_to_login(client, world, setup):
    _people, mine, theirs = setup
    for name, url, _other, method, _writes in urls(world, mine, theirs):
        response = call(client, method, url)
        assert response.status_code == 302 and response.url.startswith(reverse("login")), name


@pytest.mark.parametrize(
    "who, reads, writes",
    [
        ("secretary_a", 200, 200),
        ("county_od", 200, 200),
        ("city_lg", 200, 403),
        ("sector", 200, 403),
        ("instructor", 200, 403),
        ("member_a", 403, 403),
    ],
)
def test_matrix_in_scope(world, setup, login, who, reads, writes):
    people, mine, theirs = setup
    client = login(getattr(people, who))
    for name, url, other, method, is_write in urls(world, mine, theirs):
        expected = writes if is_write else reads
        assert call(client, method, url).status_code == expected, (who, name)
        if other is not None:
            # another city's entry is not found (404); a page the role may not open at all stays 403
            on_object = name in ("detail", "edit", "end")
            assert call(client, method, other).status_code == (404 if on_object or expected == 200 else 403), (
                who,
                name,
                "other city",
            )


@pytest.mark.parametrize("who", ["secretary_a2", "county_b_od"])
def test_other_branch_and_other_county_get_404_for_these_objects(world, setup, login, who):
    people, mine, theirs = setup
    client = login(getattr(people, who))
    for name, url, _other, method, _writes in urls(world, mine, theirs):
        if name in ("list", "wearing"):
            assert client.get(url).status_code == 200, name  # their own (empty or other) list
        elif name in ("create", "wearing_record"):
            # the form refuses the organization's code without saying whether it exists
            assert "不在您的管理范围内" in client.get(url).content.decode(), name
        else:
            assert call(client, method, url).status_code == 404, (who, name)


def test_a_user_without_any_role_gets_403(world, setup, login):
    people, _mine, _theirs = setup
    client = login(people.no_role)
    for url in (reverse("campaign:badge_list"), reverse("campaign:badge_wearing"), reverse("campaign:badge_create")):
        assert client.get(url).status_code == 403


def test_a_bad_org_code_is_404_not_500(world, setup, login):
    people, _mine, _theirs = setup
    client = login(people.county_od)
    for code in ("NOPE", "'; drop table x;--", "1" * 200):
        assert client.get(reverse("campaign:badge_list"), {"org": code}).status_code == 404
        assert client.get(reverse("campaign:badge_export"), {"org": code}).status_code == 404
    assert client.get(reverse("campaign:badge_list"), {"kind": "bogus", "state": "x"}).status_code == 200
    assert client.get(reverse("campaign:badge_wearing"), {"month": "2010-13"}).status_code == 200
    assert client.get(reverse("campaign:badge_detail", args=[999999])).status_code == 404


# --- the list -----------------------------------------------------------------------------------------


def rows(html: str, table="badges") -> list[str]:
    body = re.search(rf'<table[^>]*id="{table}".*?<tbody>(.*?)</tbody>', html, re.S).group(1)
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", r)).strip() for r in re.findall(r"<tr>(.*?)</tr>", body, re.S)]


def test_list_shows_the_secretarys_register(world, setup, login):
    people, _mine, _theirs = setup
    html = login(people.secretary_a).get(reverse("campaign:badge_list")).content.decode()
    assert rows(html) == [
        "党员先锋岗 张建国 村委会便民服务窗口 塔元庄村党支部 " + (TODAY - 30 * DAY).isoformat() + " — 示范中"
    ]
    assert "王志强" not in html
    assert "范围：<strong>塔元庄村党支部</strong>" in html
    assert 'href="/campaign/badges/new/"' in html


def test_filters_kind_sector_state_and_node(world, setup, login):
    people, mine, _theirs = setup
    a2 = entry(world.branch_a2, people.secretary_a2, kind=BadgeKind.RESPONSIBILITY_AREA, member=world.member_a2)
    entry(
        world.branch_a,
        people.secretary_a,
        member=world.member_a,
        place="旧岗位",
        start=TODAY - 60 * DAY,
        end_date=TODAY - 10 * DAY,
    )
    client = login(people.city_od)
    url = reverse("campaign:badge_list")
    names = lambda params: [r.split(" ")[1] for r in rows(client.get(url, params).content.decode())]  # noqa: E731
    assert names({}) == ["张建国", "李秀英"]
    assert names({"kind": "responsibility_area"}) == ["李秀英"]
    assert names({"sector": "rural"}) == ["张建国"]
    assert names({"state": "all"}) == ["张建国", "张建国", "李秀英"]
    assert names({"org": world.branch_a2.code}) == ["李秀英"]
    html = client.get(url, {"state": "all", "org": world.branch_a.code}).content.decode()
    assert "已结束" in html and "共 2 条" in html
    assert f'href="/campaign/badges/new/?org={world.branch_a.code}"' in html
    assert a2.pk and mine.pk


def test_sector_supervisor_sees_its_sector_only(world, setup, login):
    people, _mine, _theirs = setup
    entry(world.branch_a2, people.secretary_a2, member=world.member_a2)  # 中小学
    html = login(people.sector).get(reverse("campaign:badge_list")).content.decode()
    assert [r.split(" ")[1] for r in rows(html)] == ["张建国"]
    html = login(people.sector).get(reverse("campaign:badge_list"), {"sector": "school"}).content.decode()
    assert "没有符合条件的登记" in html


def test_list_query_count_is_flat(world, setup, login):
    people, _mine, _theirs = setup
    client = login(people.county_od)
    url = reverse("campaign:badge_list")
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    for n in range(29):
        member = MemberFactory(org=world.branch_a2, name=f"党员{n}")
        entry(world.branch_a2, people.secretary_a2, member=member)
    with CaptureQueriesContext(connection) as thirty:
        html = client.get(url).content.decode()
    assert len(rows(html)) == 30
    assert len(thirty.captured_queries) == len(one.captured_queries)


def test_wearing_query_count_is_flat(world, setup, login):
    people, _mine, _theirs = setup
    client = login(people.county_od)
    url = reverse("campaign:badge_wearing")
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    town = world.town_a
    for n in range(29):
        org = make_org(town, sector="rural", name=f"第{n}党支部")
        MemberFactory(org=org)
        services.record_wearing(org, by=people.county_od, month=TODAY, wearing=1, total=1)
    with CaptureQueriesContext(connection) as thirty:
        html = client.get(url).content.decode()
    assert len(rows(html, "wearing")) == 30
    assert len(thirty.captured_queries) == len(one.captured_queries)


# --- detail, create, edit, end --------------------------------------------------------------------------


def test_detail_shows_the_entry_and_its_history(world, setup, login):
    people, mine, _theirs = setup
    services.update_entry(mine, by=people.county_od, fields={"place": "村卫生室"})
    html = login(people.city_lg).get(reverse("campaign:badge_detail", args=[mine.pk])).content.decode()
    assert "党员先锋岗：张建国" in html and "村卫生室" in html and "带头调解邻里纠纷" in html
    history = re.search(r'id="badge-history">(.*?)</ul>', html, re.S).group(1)
    assert "m_county_od" not in history and "正定组织部" in history and "地点" in history
    assert "塔元庄书记" in history and "登记" in history
    assert "修改</a>" not in html and "登记结束" not in html  # the leading group only reads


def test_secretary_registers_an_entry_and_the_flag_follows(world, setup, login):
    people, _mine, _theirs = setup
    client = login(people.secretary_a)
    page = client.get(reverse("campaign:badge_create")).content.decode()  # the only organization is taken
    assert "塔元庄村党支部" in page and 'name="kind"' in page and "张建国" in page
    response = client.post(
        f"{reverse('campaign:badge_create')}?org={world.branch_a.code}",
        {
            "kind": "demo_household",
            "member": world.member_a.pk,
            "place": "塔元庄村三组12号",
            "description": "庭院整洁，带头致富",
            "start_date": "2010-06-01",
            "end_date": "",
        },
    )
    created = BadgeEntry.objects.get(kind="demo_household", org=world.branch_a)
    assert response.status_code == 302 and response.url == reverse("campaign:badge_detail", args=[created.pk])
    html = client.get(response.url).content.decode()
    assert "已登记党员示范户“张建国”" in html and "塔元庄村三组12号" in html and "2010-06-01" in html
    world.member_a.refresh_from_db()
    assert world.member_a.badge_demo_household is True


@pytest.mark.parametrize(
    "data, message",
    [
        ({"kind": "demo_household", "start_date": "2010-06-01"}, "党员示范户须落实到党员，请选择党员"),
        ({"kind": "model_post", "start_date": "2010-06-01"}, "示范岗位须选择担任的党员或填写岗位名称"),
        (
            {"kind": "model_post", "post_name": "窗口", "start_date": "2010-06-01", "end_date": "2010-05-01"},
            "结束日期不能早于开始日期（2010-06-01）",
        ),
        ({"kind": "model_post", "post_name": "窗口", "start_date": "2010-02-30"}, "输入一个有效的日期。"),
    ],
)
def test_create_errors_are_shown_at_the_field(world, setup, login, data, message):
    people, _mine, _theirs = setup
    client = login(people.secretary_a)
    before = BadgeEntry.objects.count()
    response = client.post(f"{reverse('campaign:badge_create')}?org={world.branch_a.code}", {"place": "村委会", **data})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert "is-invalid" in response.content.decode()
    assert BadgeEntry.objects.count() == before


def test_edit_and_end(world, setup, login):
    people, mine, _theirs = setup
    client = login(people.county_od)
    response = client.post(
        reverse("campaign:badge_edit", args=[mine.pk]),
        {
            "kind": "responsibility_area",
            "member": world.member_a.pk,
            "place": "塔元庄村东区",
            "start_date": "2010-06-01",
        },
    )
    assert response.status_code == 302
    world.member_a.refresh_from_db()
    assert (world.member_a.badge_vanguard_post, world.member_a.badge_responsibility_area) == (False, True)
    bad = client.post(reverse("campaign:badge_end", args=[mine.pk]), {"end_date": "2010-05-01"})
    assert bad.status_code == 200 and "结束日期不能早于开始日期（2010-06-01）" in bad.content.decode()
    yesterday = (TODAY - DAY).isoformat()
    done = client.post(reverse("campaign:badge_end", args=[mine.pk]), {"end_date": yesterday})
    assert done.status_code == 302
    html = client.get(done.url).content.decode()
    assert f'id="badge-end">{yesterday}' in html and "已结束" in html and "登记结束</button>" not in html
    world.member_a.refresh_from_db()
    assert world.member_a.badge_responsibility_area is False
    assert client.get(reverse("campaign:badge_end", args=[mine.pk])).status_code == 405


# --- 佩戴党徽 ------------------------------------------------------------------------------------


def test_wearing_table_and_record(world, setup, login):
    people, _mine, _theirs = setup
    MemberFactory(org=world.branch_a2)
    MemberFactory(org=world.branch_a2)
    services.record_wearing(world.branch_a2, by=people.secretary_a2, month=TODAY, wearing=1, total=3, note="")
    client = login(people.county_od)
    html = client.get(reverse("campaign:badge_wearing")).content.decode()
    assert rows(html, "wearing") == ["塔元庄村党支部 1 1 100.0%", "正定镇中学党支部 1 3 33.3%"]
    totals = re.sub(r"<[^>]+>|\s+", " ", html.split('id="wearing-totals"')[1].split('class="table-responsive"')[0])
    assert TODAY.strftime("%Y-%m") in totals and "2 / 4" in totals and "50.0%" in totals
    assert "滦州村党支部" not in html

    secretary = login(people.secretary_a2)
    url = f"{reverse('campaign:badge_wearing_record')}?org={world.branch_a2.code}&month={TODAY:%Y-%m}"
    form = secretary.get(url).content.decode()
    assert 'value="3"' in form and "本组织现有党员 3 名" in form  # the month already recorded is opened
    bad = secretary.post(url, {"month": TODAY.strftime("%Y-%m"), "wearing": 4, "total": 3})
    assert "佩戴党徽人数（4）不能多于党员总数（3）" in bad.content.decode()
    too_many = secretary.post(url, {"month": TODAY.strftime("%Y-%m"), "wearing": 1, "total": 9})
    assert "党员总数不能多于本组织的党员人数（3名）" in too_many.content.decode()
    ok = secretary.post(url, {"month": TODAY.strftime("%Y-%m"), "wearing": 3, "total": 3, "note": "七一全体佩戴"})
    assert ok.status_code == 302
    row = BadgeWearing.objects.get(org=world.branch_a2)
    assert (row.wearing, row.total, row.note) == (3, 3, "七一全体佩戴")
    html = secretary.get(ok.url).content.decode()
    assert rows(html, "wearing") == ["正定镇中学党支部 3 3 100.0% 七一全体佩戴"]


def test_wearing_record_refuses_a_township(world, setup, login):
    people, _mine, _theirs = setup
    html = (
        login(people.county_od)
        .get(reverse("campaign:badge_wearing_record"), {"org": world.town_a.code})
        .content.decode()
    )
    assert "不是基层党组织" in html


# --- export ---------------------------------------------------------------------------------------


def read_xlsx(response) -> list[list]:
    from openpyxl import load_workbook

    content = b"".join(response.streaming_content)
    sheet = load_workbook(io.BytesIO(content)).active
    return [list(r) for r in sheet.iter_rows(values_only=True)]


def test_export_carries_the_lists_filters_and_scope(world, setup, login):
    people, mine, _theirs = setup
    entry(
        world.branch_a2,
        people.secretary_a2,
        kind=BadgeKind.RESPONSIBILITY_AREA,
        member=world.member_a2,
        place='=HYPERLINK("x")',
    )
    client = login(people.city_od)
    response = client.get(reverse("campaign:badge_export"))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    data = read_xlsx(response)
    assert data[1][:4] == ["类别", "党员", "岗位名称", "组织"]
    body = data[2:]
    assert [r[1] for r in body] == ["张建国", "李秀英"]
    assert body[0][0] == "党员先锋岗" and body[0][4] == world.branch_a.code and body[0][5] == "农村"
    assert body[0][10] == "示范中"
    assert body[1][6] == '=HYPERLINK("x")'  # text, never a formula
    only = read_xlsx(client.get(reverse("campaign:badge_export"), {"kind": "responsibility_area"}))
    assert [r[1] for r in only[2:]] == ["李秀英"]
    own = read_xlsx(login(people.secretary_a2).get(reverse("campaign:badge_export")))
    assert [r[1] for r in own[2:]] == ["李秀英"]
    assert mine.pk


def test_list_links_the_export_with_the_same_filters(world, setup, login):
    people, _mine, _theirs = setup
    html = (
        login(people.county_od)
        .get(reverse("campaign:badge_list"), {"kind": "vanguard_post", "page": 1})
        .content.decode()
    )
    link = re.search(r'href="([^"]+)" id="badge-export"', html).group(1)
    assert link.startswith(reverse("campaign:badge_export")) and "kind=vanguard_post" in link and "page" not in link


# --- markup ------------------------------------------------------------------------------------------


def test_pages_have_no_inline_script_or_style(world, setup, login):
    people, mine, _theirs = setup
    client = login(people.secretary_a)
    for url in (
        reverse("campaign:badge_list"),
        reverse("campaign:badge_detail", args=[mine.pk]),
        reverse("campaign:badge_edit", args=[mine.pk]),
        reverse("campaign:badge_create"),
        reverse("campaign:badge_wearing"),
        reverse("campaign:badge_wearing_record"),
    ):
        html = client.get(url).content.decode()
        assert " style=" not in html, url
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), url
        assert "campaign/badges.css" in html, url
