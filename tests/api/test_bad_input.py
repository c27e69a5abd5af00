"""Bad input: malformed JSON, wrong types, unknown fields, huge pages, bad cursors, foreign ids, wrong methods and
media types — each the right 4xx as RFC 9457 problem details in Chinese, and nothing written."""

import pytest

from campaign.models import Notification, Plan, PlanVersion
from orgs.enums import Role
from orgs.models import IdNumberView, Org
from tests.factories import user_with_role
from tests.factories.campaign_plans import make_plan


@pytest.fixture
def sec(world):
    return user_with_role(world.branch_a, Role.SECRETARY)


@pytest.fixture
def draft(world, campaign):
    return make_plan(campaign, world.branch_a)


def problem(response, status):
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == status and body["instance"] == response.wsgi_request.path
    assert body["type"].startswith("/api/problems/")
    assert any("\u4e00" <= ch <= "\u9fff" for ch in body["title"] + body["detail"])  # Chinese
    return body


def nothing_written(plan):
    fresh = Plan.objects.get(pk=plan.pk)
    assert (fresh.status, fresh.revision) == (plan.status, plan.revision)
    assert not PlanVersion.objects.exists() and not Notification.objects.exists()


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        ('{"revision": ', None),  # malformed JSON
        ("[1, 2]", None),  # not an object
        ('{"revision": "abc"}', "revision"),  # wrong type
        ('{"revision": 1.5}', "revision"),
        ('{"revision": null}', "revision"),
        ('{"revision": 99999999999999999999}', "revision"),
        ("{}", "revision"),  # missing
        ('{"revision": 1, "status": "approved"}', "status"),  # unknown field: refused, not ignored
        ('{"revision": 1, "org": "130223100201"}', "org"),  # a foreign id in the body
    ],
)
def test_bad_bodies_are_400_with_the_field_and_nothing_written(sec, draft, api, raw, field):
    response = api(sec).post(f"/api/v1/plans/{draft.pk}/submit/", raw, content_type="application/json")
    body = problem(response, 400)
    if field is None:
        assert body["title"] in ("请求格式错误", "请求数据有误")
    else:
        assert field in [e["field"] for e in body["errors"]]
        assert all(e["detail"] for e in body["errors"])
    nothing_written(draft)


def test_malformed_json_names_it(sec, draft, api):
    body = problem(api(sec).post(f"/api/v1/plans/{draft.pk}/submit/", "{oops", content_type="application/json"), 400)
    assert (body["title"], body["detail"]) == ("请求格式错误", "请求体不是有效的 JSON")


def test_a_form_body_is_415(sec, draft, api):
    response = api(sec).post(
        f"/api/v1/plans/{draft.pk}/submit/", "revision=1", content_type="application/x-www-form-urlencoded"
    )
    problem(response, 415)
    nothing_written(draft)


def test_wrong_method_is_405_with_allow(sec, draft, api):
    response = api(sec).delete(f"/api/v1/plans/{draft.pk}/submit/")
    problem(response, 405)
    assert "POST" in response["Allow"]
    problem(api(sec).get(f"/api/v1/plans/{draft.pk}/submit/"), 405)
    nothing_written(draft)


def test_a_plan_of_another_city_in_the_url_is_404_and_nothing_written(world, campaign, sec, api):
    foreign = make_plan(campaign, world.branch_b)
    problem(api(sec).post(f"/api/v1/plans/{foreign.pk}/submit/", {"revision": foreign.revision}, format="json"), 404)
    nothing_written(foreign)
    problem(api(sec).get("/api/v1/plans/999999999/"), 404)


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("page_size=100000", "page_size"),
        ("page_size=0", "page_size"),
        ("page_size=-1", "page_size"),
        ("page_size=abc", "page_size"),
        ("cursor=not-a-cursor", "cursor"),
        ("cursor=WzFd", "cursor"),  # base64 of [1]: the wrong shape for members
        ("name=" + "长" * 51, "name"),
        ("page_size=1&page_size=2", "page_size"),  # an array where the schema says one integer
        ("cursor=WzFd&cursor=WzJd", "cursor"),
    ],
)
def test_bad_query_parameters_are_400_at_the_parameter(world, api, query, field):
    dept = user_with_role(world.county_a, Role.ORG_DEPARTMENT)
    body = problem(api(dept).get(f"/api/v1/members/?{query}"), 400)
    assert [e["field"] for e in body["errors"]] == [field]


def test_plan_filters_refuse_unknown_values(world, sec, api):
    assert problem(api(sec).get("/api/v1/plans/?status=nosuch"), 400)["errors"][0]["field"] == "status"
    problem(api(sec).get("/api/v1/plans/?campaign=nosuch"), 404)


@pytest.mark.parametrize("value", ["", " draft", "nosuch"])
@pytest.mark.parametrize(("url", "name"), [("plans/", "status"), ("assessments/", "source"), ("dashboards/", "sector")])
def test_an_enum_filter_given_empty_or_outside_its_values_is_400_at_the_parameter(world, api, url, name, value):
    """The schema lists a filter's values; a given filter must be one of them — also an empty ``?status=`` that a
    form would send (schemathesis sends it too). Left out, the filter does not apply."""
    dept = user_with_role(world.county_a, Role.ORG_DEPARTMENT)
    if url == "dashboards/":
        url += f"{world.county_a.code}/"
    body = problem(api(dept).get(f"/api/v1/{url}?{name}={value}"), 400)
    assert [e["field"] for e in body["errors"]] == [name]
    assert api(dept).get(f"/api/v1/{url}").status_code == 200


@pytest.mark.parametrize("code", ["130223100201", "nosuch"])
def test_an_organization_filter_outside_the_scope_is_404_as_its_page(world, api, code):
    dept = user_with_role(world.county_a, Role.ORG_DEPARTMENT)
    problem(api(dept).get(f"/api/v1/members/?org={code}"), 404)
    problem(api(dept).get(f"/api/v1/plans/?org={code}"), 404)


def test_pages_follow_the_cursor_to_the_end(world, api):
    dept = user_with_role(world.province, Role.ORG_DEPARTMENT)
    client = api(dept)
    seen, url = [], "/api/v1/organizations/?page_size=3"
    while url:
        body = client.get(url).json()
        seen += [o["code"] for o in body["results"]]
        url = body["next"]
    # the whole little province, once each, in tree order
    assert seen == list(Org.objects.order_by("path").values_list("code", flat=True)) and len(seen) == 10
    members, url = [], "/api/v1/members/?page_size=1"
    while url:
        body = client.get(url).json()
        members += [m["name"] for m in body["results"]]
        url = body["next"]
    assert sorted(members) == sorted(["张建国", "李秀英", "王志强"])


def test_unknown_api_address_is_a_404_problem(world, sec, api):
    problem(api(sec).get("/api/v1/nothing/here/"), 404)


def test_full_id_view_with_a_body_of_nonsense_writes_no_audit_for_others(world, api):
    sec = user_with_role(world.branch_a, Role.SECRETARY)
    problem(
        api(sec).post(f"/api/v1/members/{world.member_a.pk}/id-number/", "{x", content_type="application/json"), 403
    )
    assert not IdNumberView.objects.exists()


def test_an_unknown_api_address_is_a_404_problem(client):
    response = client.get("/api/v1/no-such-thing/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["title"] == "未找到" and body["status"] == 404 and body["instance"] == "/api/v1/no-such-thing/"
    assert body["detail"] == "没有这个接口地址，或地址中含有不允许的字符"
