"""The pages of the holiday schedule, the 机关代字, the 公示 extension and the round's rules before the outside
judges: valid HTML (Nu checker) in their normal and error states, and on a 390 px phone no sideways scroll,
44 × 44 px tap targets and 0 axe violations."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from awards.services import nominations as services
from awards.services import publicity
from awards.services.workdays import add_working_days
from orgs.enums import Role
from tests.conftest import PHONE_390
from tests.factories import user_with_role
from tests.factories.awards_nominations import Staff, category, chain_quotas, make_round
from tests.judges import assert_axe_clean, assert_valid_html, session_cookie, small_tap_targets


def build(world):
    staff = Staff(world)
    today = timezone.localdate()
    r = make_round(world.county_a, code="judged-round", decision_date=datetime.date(today.year + 1, 3, 1))
    chain_quotas(r, [world.county_a, world.town_a], 5)
    n = services.nominate(
        r, category(r), nominating_org=world.branch_a, nominee=world.member_a, deeds="事迹", by=staff.secretary
    )
    for user in (staff.town, staff.county):
        n = services.forward(n, by=user)
    services.record_discipline(n, by=staff.county, result="clear", note="", date=today)
    r.publicity_starts = today
    r.save(update_fields=["publicity_starts"])
    publicity.start_publicity(r, by=staff.county)
    r.refresh_from_db()
    later = add_working_days(publicity.publicity_end(r), 1)
    publicity.extend_publicity(r, by=staff.county, new_end=later, reason="群众反映集中")
    staff.manager = user_with_role(world.province, Role.ORG_DEPARTMENT, username="judge_manager")
    return staff, r


def pages(world, staff, r):
    year = timezone.localdate().year
    return {
        "holiday_list": (staff.manager, reverse("awards:holiday_list")),
        "holiday_year": (staff.manager, reverse("awards:holiday_year", args=[2011])),
        "holiday_new": (staff.manager, reverse("awards:holiday_year", args=[year + 1])),
        "issuer_prefix": (staff.county, reverse("awards:issuer_prefix", args=[world.county_a.code])),
        "round_detail": (staff.county, reverse("awards:round_detail", args=[r.code])),
        "round_edit": (staff.county, reverse("awards:round_edit", args=[r.code])),
        "shortlist": (staff.county, reverse("awards:shortlist", args=[r.code])),
        "decision_edit": (staff.county, reverse("awards:decision_edit", args=[r.code])),
        "round_list": (staff.manager, reverse("awards:round_list")),
    }


@pytest.mark.django_db
def test_valid_html(world):
    staff, r = build(world)
    docs = {}
    for name, (user, url) in pages(world, staff, r).items():
        client = Client()
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        response = client.get(url)
        assert response.status_code == 200, name
        docs[name] = response.content.decode()
    manager, county = Client(), Client()
    manager.force_login(staff.manager, backend="django.contrib.auth.backends.ModelBackend")
    county.force_login(staff.county, backend="django.contrib.auth.backends.ModelBackend")
    docs["holiday_error"] = manager.post(
        reverse("awards:holiday_year", args=[timezone.localdate().year + 1]), {"holidays": "x", "workdays": "y"}
    ).content.decode()
    docs["prefix_error"] = county.post(
        reverse("awards:issuer_prefix", args=[world.county_a.code]), {"prefix": "AB"}
    ).content.decode()
    docs["extend_error"] = county.post(
        reverse("awards:publicity_extend", args=[r.code]), {"new_end": "", "reason": ""}
    ).content.decode()
    docs["decision_error"] = county.post(
        reverse("awards:decision_edit", args=[r.code]),
        {
            "doc_number": "冀创组〔2011〕8号",
            "title": "t",
            "body": "b",
            "attachment_title": "a",
            "signed_on": "2011-06-28",
        },
    ).content.decode()
    assert "无法识别" in docs["holiday_error"] and "机关代字应为" in docs["prefix_error"]
    assert "请填写延长公示期的原因" in docs["extend_error"] and "机关代字“正”开头" in docs["decision_error"]
    assert "推荐规则" in docs["round_detail"] and "群众反映集中" in docs["round_detail"]
    assert_valid_html(docs)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_phone_390(world, live_server, browser):
    staff, r = build(world)
    context = browser.new_context(**PHONE_390)
    try:
        for name, (user, url) in pages(world, staff, r).items():
            context.clear_cookies()
            context.add_cookies([session_cookie(user, live_server.url)])
            page = context.new_page()
            page.goto(live_server.url + url)
            assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), name
            assert small_tap_targets(page) == [], name
            assert_axe_clean(page, name=name)
            page.close()
    finally:
        context.close()
