"""Pages of the nomination area: rounds, nominating with attachments, the permission matrix, query counts."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from awards.models import AwardRound, Nomination
from awards.services import nominations as services
from orgs.enums import Role
from tests.factories import MemberFactory, user_with_role
from tests.factories.awards_nominations import (
    Staff,
    category,
    chain_quotas,
    forward_to_owner,
    make_round,
    nominate_member,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(world):
    staff = Staff(world)
    award_round = make_round(world.province, code="qiyi-test")
    return world, staff, award_round


def png_file(name="photo.png"):
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


# ----- rounds -----


def round_data(**overrides):
    today = timezone.localdate()
    data = {
        "name": "2013年表彰",
        "code": "2013-test",
        "kind": "special",
        "owner_code": "130000",
        "nomination_opens": today,
        "nomination_closes": today + datetime.timedelta(days=10),
        "review_closes": today + datetime.timedelta(days=20),
        "publicity_starts": today + datetime.timedelta(days=21),
        "decision_date": today + datetime.timedelta(days=40),
        "publicity_working_days": 5,
        "objection_contact": "省委组织部",
        "objection_requires_identity": "on",
    }
    return {k: (v.isoformat() if isinstance(v, datetime.date) else v) for k, v in {**data, **overrides}.items()}


def test_round_create_checks_the_windows(setup, login):
    world, staff, r = setup
    client = login(staff.province)
    bad = round_data(nomination_closes=(timezone.localdate() - datetime.timedelta(days=1)).isoformat())
    response = client.post(reverse("awards:round_create"), bad)
    assert response.status_code == 200
    assert f"“推荐截止”不能早于“推荐开始”（{timezone.localdate().isoformat()}）" in response.content.decode()
    assert not AwardRound.objects.filter(code="2013-test").exists()
    response = client.post(reverse("awards:round_create"), round_data())
    assert response.status_code == 302
    created = AwardRound.objects.get(code="2013-test")
    assert created.owner_org == world.province
    assert [c.code for c in created.categories.all()] == [
        "advanced_org",
        "excellent_member",
        "excellent_worker",
        "advanced_county",
    ]
    # a branch cannot own a round; a city cannot create one for the province
    response = client.post(reverse("awards:round_create"), round_data(code="x1", owner_code=world.branch_a.code))
    assert "表彰机关须为县级以上党委或乡镇（街道）党（工）委" in response.content.decode()
    client = login(staff.city)
    response = client.post(reverse("awards:round_create"), round_data(code="x2"))
    assert "不在您的管理范围内" in response.content.decode()


def test_round_edit_checks_windows_and_role(setup, login):
    world, staff, r = setup
    url = reverse("awards:round_edit", args=[r.code])
    assert login(staff.city).get(url).status_code == 403
    client = login(staff.province)
    data = round_data(decision_date=(r.publicity_starts - datetime.timedelta(days=1)).isoformat())
    for key in ("code", "kind", "owner_code"):
        data.pop(key)
    data.update(
        {
            k: getattr(r, k).isoformat()
            for k in ("nomination_opens", "nomination_closes", "review_closes", "publicity_starts")
        }
    )
    response = client.post(url, data)
    assert "“表彰决定日期”不能早于“公示开始”" in response.content.decode()
    data["decision_date"] = r.decision_date.isoformat()
    data["publicity_working_days"] = 7
    assert client.post(url, data).status_code == 302
    r.refresh_from_db()
    assert r.publicity_working_days == 7 and r.name == "2013年表彰"


# ----- nominating -----


def test_secretary_nominates_with_attachments(setup, login, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    world, staff, r = setup
    client = login(staff.secretary)
    url = reverse("awards:nomination_create", args=[r.code])
    page = client.get(url).content.decode()
    assert "优秀共产党员" in page and "优秀党务工作者" in page
    member_category = category(r)
    page = client.get(url, {"category": member_category.pk}).content.decode()
    assert "张建国" in page and "王志强" not in page and "李秀英" not in page
    response = client.post(
        url,
        {
            "category": member_category.pk,
            "org": world.branch_a.code,
            "nominee": world.member_a.pk,
            "deeds": "带头修路，服务群众。",
            "files": [png_file()],
        },
    )
    assert response.status_code == 302
    n = Nomination.objects.get()
    assert n.current_org == world.town_a and n.deeds == "带头修路，服务群众。"
    assert [a.original_name for a in n.attachments.all()] == ["photo.png"]
    detail = client.get(response["Location"]).content.decode()
    assert "带头修路" in detail and world.member_a.id_number not in detail
    assert 'alt="张建国事迹材料：图片1"' in detail and "photo.png" not in detail  # described, not named by its file
    # twice → the message at the field
    response = client.post(
        url,
        {"category": member_category.pk, "org": world.branch_a.code, "nominee": world.member_a.pk, "deeds": "再次"},
    )
    assert "“张建国”已被推荐为本轮“优秀共产党员”，同一轮次同一类别不能重复推荐" in response.content.decode()
    # a member of another subtree is not even offered
    response = client.post(
        url,
        {"category": member_category.pk, "org": world.branch_a.code, "nominee": world.member_b.pk, "deeds": "x"},
    )
    assert response.status_code == 200 and Nomination.objects.count() == 1


def test_nominating_org_is_picked_in_the_scope(setup, login):
    """A 组织部 with several basic organizations picks one with the organization picker (a typed code works)."""
    world, staff, r = setup
    client = login(staff.town)
    url = reverse("awards:nomination_create", args=[r.code])
    c = category(r)
    page = client.get(url, {"category": c.pk}).content.decode()
    assert "推荐单位的组织编码" in page and 'name="org"' in page and 'role="combobox"' in page
    assert "data-org-picker" in page and "roles=org_department%2Csecretary" in page
    page = client.get(url, {"category": c.pk, "org": world.branch_b.code}).content.decode()
    assert f"找不到编码为“{world.branch_b.code}”的组织，或它不在您的管理范围内" in page and 'name="nominee"' not in page
    page = client.get(url, {"category": c.pk, "org": world.branch_a2.code}).content.decode()
    assert world.branch_a2.name in page and 'name="nominee"' in page and 'role="combobox"' not in page


def test_nominating_outside_the_window_is_refused_in_the_page(setup, login):
    world, staff, r = setup
    AwardRound.objects.filter(pk=r.pk).update(nomination_closes=timezone.localdate() - datetime.timedelta(days=1))
    client = login(staff.secretary)
    url = reverse("awards:nomination_create", args=[r.code])
    c = category(r)
    response = client.post(
        url, {"category": c.pk, "org": world.branch_a.code, "nominee": world.member_a.pk, "deeds": "事迹"}
    )
    assert "现在不能推荐" in response.content.decode()
    assert not Nomination.objects.exists()


def test_detail_shows_assessments_and_tier(setup, login, seed_criteria):
    from evaluations.enums import TierLevel
    from tests.factories.evaluations_scoring import make_assessment, make_period, make_tier

    world, staff, r = setup
    period = make_period(2010, name="2010年度")
    make_assessment(period, member=world.member_a)
    make_tier(world.branch_a, period, TierLevel.ADVANCED)
    n = nominate_member(r, world, by=staff.secretary)
    page = login(staff.town).get(reverse("awards:nomination_detail", args=[n.pk])).content.decode()
    assert "2010年度" in page and "上级考核" in page and "100.00" in page
    assert "所在组织档次" in page and "先进" in page
    assert "审核上报" in page  # the township may act on it


# ----- the permission matrix -----


def test_permission_matrix(setup, client, login):
    world, staff, r = setup
    chain_quotas(r, [world.province, world.city_a, world.county_a, world.town_a], 2)
    n = nominate_member(r, world, by=staff.secretary)
    other = nominate_member(r, world, world.member_b, by=staff.secretary_b)
    city_round = make_round(world.city_a, code="city-round")
    member_user = user_with_role(world.branch_a, Role.MEMBER)
    urls = {
        "round_list": reverse("awards:round_list"),
        "round_detail": reverse("awards:round_detail", args=[r.code]),
        "city_round": reverse("awards:round_detail", args=[city_round.code]),
        "round_edit": reverse("awards:round_edit", args=[r.code]),
        "round_create": reverse("awards:round_create"),
        "nominate": reverse("awards:nomination_create", args=[r.code]),
        "list": reverse("awards:nomination_list", args=[r.code]),
        "detail": reverse("awards:nomination_detail", args=[n.pk]),
        "review_county": reverse("awards:review", args=[r.code, world.county_a.code]),
        "shortlist": reverse("awards:shortlist", args=[r.code]),
        "quota_city": reverse("awards:quota", args=[r.code, world.city_a.code]),
    }
    for url in urls.values():
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/"), url
    for url in ("/awards/rounds/qiyi-test/publicity/start/", f"/awards/nominations/{n.pk}/forward/"):
        assert client.post(url).status_code == 302

    expected = {
        # user: {url name: status}
        "county": {
            "round_list": 200,
            "round_detail": 200,
            "city_round": 200,
            "round_edit": 403,
            "round_create": 200,
            "nominate": 200,
            "list": 200,
            "detail": 200,
            "review_county": 200,
            "shortlist": 403,
            "quota_city": 404,
        },
        "city_b": {"city_round": 404, "detail": 404, "review_county": 404, "quota_city": 404, "list": 200},
        "secretary": {
            "round_create": 403,
            "nominate": 200,
            "detail": 200,
            "review_county": 404,
            "shortlist": 403,
            "round_edit": 403,
        },
        "secretary_a2": {"detail": 404},
        "leading_group": {"detail": 200, "review_county": 403, "nominate": 403, "list": 200, "quota_city": 200},
        "member": {"round_list": 403, "round_detail": 403, "detail": 403, "list": 403},
        "province": {"shortlist": 200, "round_edit": 200, "detail": 200, "review_county": 200},
    }
    users = {
        "county": staff.county,
        "city_b": staff.city_b,
        "secretary": staff.secretary,
        "secretary_a2": staff.secretary_a2,
        "leading_group": staff.leading_group,
        "member": member_user,
        "province": staff.province,
    }
    for who, codes in expected.items():
        login(users[who])
        for name, status in codes.items():
            assert client.get(urls[name]).status_code == status, (who, name)

    # right rows: the county sees its own nomination, not the other city's
    login(staff.county)
    page = client.get(urls["list"]).content.decode()
    assert "张建国" in page and "王志强" not in page
    login(staff.city_b)
    page = client.get(urls["list"]).content.decode()
    assert "王志强" in page and "张建国" not in page
    assert client.post(reverse("awards:nomination_forward", args=[n.pk])).status_code == 404
    login(staff.secretary)
    assert client.post(reverse("awards:nomination_forward", args=[n.pk])).status_code == 403
    assert client.post(reverse("awards:nomination_withdraw", args=[other.pk])).status_code == 404
    assert client.post(reverse("awards:publicity_start", args=[r.code])).status_code == 403
    login(staff.town)
    assert client.post(reverse("awards:nomination_forward", args=[n.pk])).status_code == 302
    n.refresh_from_db()
    assert n.current_org == world.county_a
    login(staff.city)
    assert client.post(reverse("awards:approve_list", args=[r.code])).status_code == 403
    assert client.get(reverse("awards:nomination_forward", args=[n.pk])).status_code == 405


# ----- query counts -----


def count_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def make_nominations(r, world, staff, n):
    made = []
    for i in range(n):
        member = MemberFactory(org=world.branch_a, name=f"候选人{i:02d}")
        made.append(nominate_member(r, world, member, by=staff.secretary))
    return made


def test_query_counts_do_not_grow_with_rows(setup, login):
    world, staff, r = setup
    chain = [world.province, world.city_a, world.county_a, world.town_a]
    chain_quotas(r, chain, 40)
    first = make_nominations(r, world, staff, 1)
    client = login(staff.province)
    urls = [
        reverse("awards:nomination_list", args=[r.code]),
        reverse("awards:review", args=[r.code, world.town_a.code]),
        reverse("awards:round_detail", args=[r.code]),
    ]
    single = [count_queries(client, url) for url in urls]
    forward_to_owner(first[0], staff)
    shortlist = reverse("awards:shortlist", args=[r.code])
    single_list = count_queries(client, shortlist)
    more = make_nominations(r, world, staff, 29)
    many = [count_queries(client, url) for url in urls]
    assert single == many
    for n in more:
        forward_to_owner(n, staff)
    assert count_queries(client, shortlist) == single_list
    page = client.get(shortlist).content.decode()
    assert "候选人28" in page
    assert services.final_list(r).count() == 0
