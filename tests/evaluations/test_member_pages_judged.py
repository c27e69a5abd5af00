"""The new member-evaluation pages before the outside judges: valid HTML (Nu checker) for every page, and on a
390 px phone no sideways scroll, 44 × 44 px tap targets and 0 axe violations for the member's and the
secretary's phone pages."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from evaluations.enums import MemberRatingLevel, Source
from evaluations.models import Period
from evaluations.services import ratings
from orgs.enums import MemberCategory, Role
from orgs.models import RoleAssignment
from tests.conftest import PHONE_390
from tests.factories import MemberFactory, UserFactory, user_with_role
from tests.factories.evaluations_mass import analysis_campaign, make_batch, make_report
from tests.factories.evaluations_scoring import make_assessment
from tests.judges import assert_axe_clean, assert_valid_html, session_cookie, small_tap_targets


def build(world, seed_campaign):
    today = timezone.localdate()
    period = Period.objects.create(
        name="本年度考核",
        code="judged",
        start_date=today - datetime.timedelta(days=5),
        end_date=today + datetime.timedelta(days=30),
    )
    campaign = analysis_campaign(seed_campaign)
    secretary = user_with_role(world.branch_a, Role.SECRETARY, username="judge_sec")
    member = UserFactory(member=world.member_a, username="judge_member")
    RoleAssignment.objects.create(user=member, org=world.branch_a, role=Role.MEMBER)
    farmer = MemberFactory(org=world.branch_a, name="刘农民", category=MemberCategory.FARMER)
    make_report(campaign, world.member_a)
    make_assessment(period, member=world.member_a, source=Source.SUPERIOR, levels="fairly", author=secretary)
    ratings.rate_member(world.member_a, period, by=secretary, level=MemberRatingLevel.QUALIFIED)
    ratings.release_member_results(world.branch_a, period, by=secretary)
    return {"period": period, "campaign": campaign, "secretary": secretary, "member": member, "farmer": farmer}


def pages(world, data):
    p, c = data["period"], data["campaign"]
    return {
        "my_assessment": ("member", reverse("evaluations:my_assessment")),
        "board": ("secretary", reverse("evaluations:branch_members", args=[world.branch_a.code]) + f"?period={p.code}"),
        "rating": (
            "secretary",
            reverse("evaluations:member_rating", args=[world.branch_a.code, data["farmer"].pk]) + f"?period={p.code}",
        ),
        "participation": (
            "secretary",
            reverse("evaluations:report_participation", args=[world.branch_a.code]) + f"?campaign={c.code}",
        ),
        "report_list": ("secretary", reverse("evaluations:report_list") + f"?campaign={c.code}"),
        "batch_create": ("secretary", reverse("evaluations:mass_batch_create")),
        "mass_index": ("secretary", reverse("evaluations:mass_index")),
    }


@pytest.mark.django_db
def test_valid_html(world, seed_criteria, seed_campaign):
    data = build(world, seed_campaign)
    make_batch(world.branch_a, seed_criteria["five-models"], members=[world.member_a])
    docs = {}
    for name, (who, url) in pages(world, data).items():
        client = Client()
        client.force_login(data[who], backend="django.contrib.auth.backends.ModelBackend")
        response = client.get(url)
        assert response.status_code == 200, name
        docs[name] = response.content.decode()
    # the error states: a rating departing without a reason, the participation form sent empty
    client = Client()
    client.force_login(data["secretary"], backend="django.contrib.auth.backends.ModelBackend")
    docs["rating_error"] = client.post(pages(world, data)["rating"][1], {"level": "excellent"}).content.decode()
    docs["participation_error"] = client.post(pages(world, data)["participation"][1], {}).content.decode()
    assert "须填写评定理由" in docs["rating_error"] and "请至少选择一名党员" in docs["participation_error"]
    assert_valid_html(docs)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("name", ["my_assessment", "board", "rating", "participation"])
def test_phone_pages(browser, live_server, seed_criteria, seed_campaign, name):
    from tests.factories import World

    world = World()
    data = build(world, seed_campaign)
    who, url = pages(world, data)[name]
    context = browser.new_context(**PHONE_390)
    context.add_cookies([session_cookie(data[who], live_server.url)])
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        page.goto(live_server.url + url)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, "sideways scroll"
        assert small_tap_targets(page) == []
        assert_axe_clean(page, name=name)
    finally:
        context.close()
