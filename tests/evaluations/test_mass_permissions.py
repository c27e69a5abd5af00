"""Permission matrix of the 群众评议 / 党性分析报告 / 对标定位 pages, and query counts on their lists.

anonymous → login (the public answer pages excepted); another subtree → 404; a wrong role → 403;
the right role → 200 with the right rows. The world always has the second city's data too.
"""

import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from evaluations.services import mass as mass_services
from orgs.enums import Role
from tests.factories import MemberFactory, UserFactory, member_user, user_with_role
from tests.factories.evaluations_mass import (
    analysis_campaign,
    make_batch,
    make_benchmark,
    make_exemplar,
    make_report,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_rate_limit():
    cache.delete(mass_services.rate_limit_key("127.0.0.1"))
    yield
    cache.delete(mass_services.rate_limit_key("127.0.0.1"))


@pytest.fixture
def data(world, seed_criteria, seed_campaign):
    """Objects in both cities and users of every role."""
    campaign = analysis_campaign(seed_campaign)
    a_batch, a_tokens = make_batch(world.branch_a, seed_criteria["five-good"], tokens=2)
    b_batch, b_tokens = make_batch(world.branch_b, seed_criteria["five-good"], tokens=2)
    past = timezone.localdate() - datetime.timedelta(days=5)
    a_exemplar = make_exemplar(world.county_a, org=world.branch_a2, profile="正定示范点")
    b_exemplar = make_exemplar(world.county_b, org=world.branch_b, profile="滦县示范点")
    a_bench = make_benchmark(a_exemplar, org=world.branch_a, gaps="甲差距", measures=[("甲措施", past, 30)])
    b_bench = make_benchmark(b_exemplar, org=world.branch_b, gaps="乙差距", measures=[("乙措施", past, 30)])
    users = {
        "county_od": user_with_role(world.county_a, Role.ORG_DEPARTMENT, username="county_od"),
        "city_lg": user_with_role(world.city_a, Role.LEADING_GROUP, username="city_lg"),
        "other_od": user_with_role(world.city_b, Role.ORG_DEPARTMENT, username="other_od"),
        "other_sec": user_with_role(world.branch_b, Role.SECRETARY, username="other_sec"),
        "secretary": user_with_role(world.branch_a, Role.SECRETARY, username="secretary"),
        "sector": user_with_role(world.county_a, Role.SECTOR_SUPERVISOR, sector="rural", username="sector"),
        "member": member_user(world.member_a, "member_a"),
        "other_member": member_user(world.member_b, "member_b"),
        "nobody": UserFactory(username="nobody"),
    }
    return {
        "users": users,
        "batch": a_batch,
        "token": a_tokens[0],
        "report": make_report(campaign, world.member_a, content="甲的报告"),
        "b_report": make_report(campaign, world.member_b, content="乙的报告"),
        "exemplar": a_exemplar,
        "bench": a_bench,
        "measure": a_bench.measures.get(),
        "b_batch": b_batch,
        "b_bench": b_bench,
    }


def url_for(data, name):
    args = {
        "mass_batch": [data["batch"].pk],
        "mass_batch_status": [data["batch"].pk],
        "mass_tally": [data["batch"].pk],
        "report_detail": [data["report"].pk],
        "exemplar_detail": [data["exemplar"].pk],
        "exemplar_edit": [data["exemplar"].pk],
        "benchmark_detail": [data["bench"].pk],
    }.get(name, [])
    return reverse(f"evaluations:{name}", args=args)


# (url name, user, status, text that must be there, text that must not)
MATRIX = [
    ("mass_index", "member", 200, "我的党性分析报告", "新建评议批次"),
    ("mass_index", "county_od", 200, "新建评议批次", None),
    ("mass_index", "nobody", 403, None, None),
    ("mass_batch_list", "county_od", 200, "塔元庄村党支部", "滦州村党支部"),
    ("mass_batch_list", "city_lg", 200, "塔元庄村党支部", "新建评议批次"),
    ("mass_batch_list", "other_od", 200, "滦州村党支部", "塔元庄村党支部"),
    ("mass_batch_list", "secretary", 200, "还没有群众评议批次", "滦州村党支部"),  # the org batch is not his
    ("mass_batch_list", "member", 403, None, None),
    ("mass_batch_create", "county_od", 200, "生成二维码", None),
    ("mass_batch_create", "city_lg", 403, None, None),
    ("mass_batch", "county_od", 200, "录入纸质选票", None),
    ("mass_batch", "city_lg", 200, "群众评议结果：塔元庄村党支部", "录入纸质选票"),
    ("mass_batch", "other_od", 404, None, None),
    ("mass_batch", "secretary", 403, None, None),
    ("mass_batch", "sector", 403, None, None),
    ("mass_batch_status", "city_lg", 200, None, None),
    ("mass_batch_status", "other_od", 404, None, None),
    ("mass_tally", "county_od", 200, "保存统计结果", None),
    ("mass_tally", "city_lg", 403, None, None),
    ("mass_tally", "other_od", 404, None, None),
    ("report_list", "secretary", 200, "张建国", "王志强"),
    ("report_list", "county_od", 200, "李秀英", "王志强"),
    ("report_list", "city_lg", 200, "张建国", "王志强"),
    ("report_list", "other_od", 200, "王志强", "张建国"),
    ("report_list", "member", 403, None, None),
    ("report_list", "sector", 403, None, None),
    ("report_mine", "member", 200, "我的党性分析报告", None),
    ("report_mine", "county_od", 403, None, None),
    ("report_detail", "member", 200, "甲的报告", "提交审阅意见"),
    ("report_detail", "secretary", 200, "提交审阅意见", None),
    ("report_detail", "county_od", 200, "甲的报告", "提交审阅意见"),
    ("report_detail", "other_od", 404, None, None),
    ("report_detail", "other_member", 404, None, None),
    ("exemplar_list", "secretary", 200, "正定镇中学党支部", "滦州村党支部"),
    ("exemplar_list", "other_sec", 200, "滦州村党支部", "正定镇中学党支部"),
    ("exemplar_list", "nobody", 403, None, None),
    ("exemplar_create", "county_od", 200, "确定单位", None),
    ("exemplar_create", "secretary", 403, None, None),
    ("exemplar_create", "city_lg", 403, None, None),
    ("exemplar_detail", "member", 200, "正定示范点", None),
    ("exemplar_detail", "other_od", 404, None, None),
    ("exemplar_edit", "county_od", 200, "正定示范点", None),
    ("exemplar_edit", "secretary", 403, None, None),
    ("exemplar_edit", "other_od", 404, None, None),
    ("benchmark_list", "secretary", 200, "塔元庄村党支部", "滦州村党支部"),
    ("benchmark_list", "county_od", 200, "塔元庄村党支部", "滦州村党支部"),
    ("benchmark_list", "other_od", 200, "滦州村党支部", "塔元庄村党支部"),
    ("benchmark_list", "nobody", 403, None, None),
    ("benchmark_create", "secretary", 200, "查找差距", None),
    ("benchmark_create", "member", 200, "本人（张建国）", None),
    ("benchmark_create", "county_od", 403, None, None),
    ("benchmark_detail", "secretary", 200, "添加赶超措施", None),
    ("benchmark_detail", "city_lg", 200, "甲措施", "添加赶超措施"),
    ("benchmark_detail", "other_od", 404, None, None),
    ("benchmark_detail", "member", 404, None, None),
    ("measure_overdue", "county_od", 200, "甲措施", "乙措施"),
    ("measure_overdue", "other_od", 200, "乙措施", "甲措施"),
    ("measure_overdue", "nobody", 403, None, None),
]


@pytest.mark.parametrize(("name", "who", "status", "present", "absent"), MATRIX)
def test_matrix(data, login, name, who, status, present, absent):
    client = login(data["users"][who])
    response = client.get(url_for(data, name))
    assert response.status_code == status
    html = response.content.decode()
    if present:
        assert present in html
    if absent:
        assert absent not in html


@pytest.mark.parametrize(
    "name",
    sorted({row[0] for row in MATRIX}),
)
def test_anonymous_goes_to_login(data, client, name):
    response = client.get(url_for(data, name))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_writes_outside_the_scope_are_404(data, login):
    client = login(data["users"]["other_od"])
    assert client.post(url_for(data, "mass_tally"), {}).status_code == 404
    assert client.post(reverse("evaluations:mass_batch_sheet_delete", args=[data["batch"].pk])).status_code == 404
    assert client.post(url_for(data, "report_detail"), {"decision": "accept"}).status_code == 404
    assert client.post(reverse("evaluations:measure_create", args=[data["bench"].pk]), {}).status_code == 404
    assert client.post(reverse("evaluations:measure_progress", args=[data["measure"].pk]), {}).status_code == 404
    assert client.post(url_for(data, "exemplar_edit"), {"profile": "x"}).status_code == 404


def test_public_pages_need_no_account(data, client):
    assert client.get(reverse("evaluations:mass_answer", args=[data["token"]])).status_code == 200
    assert client.get(reverse("evaluations:mass_thanks")).status_code == 200


# ---- query counts: the same number of queries for 1 row and for 30 -------------------------------


def count_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_list_query_counts_do_not_grow_with_rows(world, seed_criteria, seed_campaign, login):
    campaign = analysis_campaign(seed_campaign)
    county = user_with_role(world.county_a, Role.ORG_DEPARTMENT)
    client = login(county)
    exemplar = make_exemplar(world.county_a, org=world.branch_a2)
    past = timezone.localdate() - datetime.timedelta(days=2)
    urls = {
        "batches": reverse("evaluations:mass_batch_list"),
        "reports": reverse("evaluations:report_list") + f"?campaign={campaign.code}",
        "exemplars": reverse("evaluations:exemplar_list"),
        "benchmarks": reverse("evaluations:benchmark_list"),
        "overdue": reverse("evaluations:measure_overdue"),
    }

    def add_rows(n):
        for _ in range(n):
            make_batch(world.branch_a, seed_criteria["five-good"], tokens=1)
            member = MemberFactory(org=world.branch_a)
            make_report(campaign, member)
            make_exemplar(world.county_a, member=member, kind="model")
            make_benchmark(exemplar, member=member, measures=[("措施", past, 10)])

    add_rows(1)
    client.get(urls["batches"])  # warm per-process caches (content types etc.)
    one = {key: count_queries(client, url) for key, url in urls.items()}
    add_rows(29)
    thirty = {key: count_queries(client, url) for key, url in urls.items()}
    assert one == thirty
    batch = make_batch(world.branch_a, seed_criteria["five-good"], tokens=1)[0]
    detail = reverse("evaluations:mass_batch", args=[batch.pk])
    few = count_queries(client, detail)
    for member in [MemberFactory(org=world.branch_a) for _ in range(3)]:
        make_batch(world.branch_a, seed_criteria["five-models"], members=[member], tokens=2)
    member_batch = make_batch(
        world.branch_a, seed_criteria["five-models"], members=list(world.branch_a.members.all()), tokens=2
    )[0]
    assert count_queries(client, reverse("evaluations:mass_batch", args=[member_batch.pk])) <= few + 1
