"""The branch's assessment and rating of its members, the board, the release of the results and what a
member then sees; stale saves (409 keeping the text), ratings that depart from the scores, a member who
moves to another branch mid-period."""

import datetime
import re
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from evaluations.enums import MemberRatingLevel, Source
from evaluations.models import MemberRating, MemberResultsRelease, Period
from evaluations.queries import scoring as queries_scoring
from evaluations.services import ratings
from orgs import services as org_services
from orgs.enums import MemberCategory, Role
from tests.factories import MemberFactory, member_user, user_with_role
from tests.factories.evaluations_mass import make_batch
from tests.factories.evaluations_scoring import make_assessment

pytestmark = pytest.mark.django_db
L = MemberRatingLevel


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


@pytest.fixture
def period(db):
    today = timezone.localdate()
    return Period.objects.create(
        name="本年度考核",
        code="now",
        start_date=today - datetime.timedelta(days=30),
        end_date=today + datetime.timedelta(days=60),
    )


@pytest.fixture
def people(world):
    return {
        "secretary": user_with_role(world.branch_a, Role.SECRETARY, username="sec_a"),
        "secretary2": user_with_role(world.branch_a, Role.SECRETARY, username="sec_a2"),
        "other_secretary": user_with_role(world.branch_b, Role.SECRETARY, username="sec_b"),
        "county_od": user_with_role(world.county_a, Role.ORG_DEPARTMENT, username="county_od"),
        "city_lg": user_with_role(world.city_a, Role.LEADING_GROUP, username="city_lg"),
        "member": member_user(world.member_a, "member_a"),
    }


def board_url(org, period=None):
    url = reverse("evaluations:branch_members", args=[org.code])
    return f"{url}?period={period.code}" if period else url


def rating_url(org, member, period):
    return reverse("evaluations:member_rating", args=[org.code, member.pk]) + f"?period={period.code}"


# --- the rule: implied level, departing, the reason at the field ----------------------------------------


def test_thresholds_live_in_one_place():
    assert ratings.implied_level(None) is None
    assert ratings.implied_level(Decimal("90")) == L.EXCELLENT
    assert ratings.implied_level(Decimal("89.99")) == L.QUALIFIED
    assert ratings.implied_level(Decimal("75")) == L.QUALIFIED
    assert ratings.implied_level(Decimal("60")) == L.BASIC
    assert ratings.implied_level(Decimal("59.99")) == L.UNQUALIFIED
    assert ratings.departs(L.QUALIFIED, None) is False
    assert ratings.departs(L.EXCELLENT, None) and ratings.departs(L.UNQUALIFIED, None)
    assert [t for t, _level in ratings.RATING_THRESHOLDS] == [90, 75, 60]


def test_a_rating_that_departs_from_the_scores_needs_a_reason_at_the_field(world, period, people):
    sec = people["secretary"]
    make_assessment(period, member=world.member_a, source=Source.SUPERIOR, levels="fairly", author=sec)  # 80
    with pytest.raises(ValidationError) as error:
        ratings.rate_member(world.member_a, period, by=sec, level=L.EXCELLENT)
    assert "reason" in error.value.error_dict
    assert "综合得分 80.00 对应“合格”" in error.value.error_dict["reason"][0].messages[0]
    assert not MemberRating.objects.exists()
    rating = ratings.rate_member(world.member_a, period, by=sec, level=L.QUALIFIED)  # agrees: no reason
    assert (rating.level, rating.reason, rating.org, rating.rated_by) == (L.QUALIFIED, "", world.branch_a, sec)
    rating = ratings.rate_member(world.member_a, period, by=sec, level=L.EXCELLENT, reason="抗洪抢险表现突出")
    assert rating.level == L.EXCELLENT and rating.history.count() == 2
    # no scores at all: 优秀 and 不合格 need a reason, 合格 does not
    with pytest.raises(ValidationError) as error:
        ratings.rate_member(world.member_a2, period, by=people["county_od"], level=L.UNQUALIFIED)
    assert "还没有任何评价得分" in error.value.error_dict["reason"][0].messages[0]
    assert ratings.rate_member(world.member_a2, period, by=people["county_od"], level=L.QUALIFIED).level == L.QUALIFIED


def test_the_page_refuses_a_departing_rating_at_the_reason_field(world, period, people, login):
    make_assessment(period, member=world.member_a, source=Source.SUPERIOR, levels="basically")  # 60
    client = login(people["secretary"])
    url = rating_url(world.branch_a, world.member_a, period)
    page = text(client.get(url))
    assert 'id="combined">60.00<' in page and 'id="implied">基本合格<' in page
    response = client.post(url, {"level": L.EXCELLENT, "reason": "", "version": "", "period": period.code})
    assert response.status_code == 200
    html = text(response)
    assert 'id="reason-error">综合得分 60.00 对应“基本合格”，评定为“优秀”须填写评定理由<' in html
    assert 'value="excellent" id="id_level_0" checked' in html  # the choice is kept
    assert not MemberRating.objects.exists()


def test_only_the_branch_or_the_department_above_rates(world, period, people):
    with pytest.raises(PermissionDenied):
        ratings.rate_member(world.member_a, period, by=people["other_secretary"], level=L.QUALIFIED)
    with pytest.raises(PermissionDenied):
        ratings.rate_member(world.member_a, period, by=people["city_lg"], level=L.QUALIFIED)
    with pytest.raises(PermissionDenied):
        ratings.rate_member(world.member_a, period, by=people["member"], level=L.QUALIFIED)
    with pytest.raises(PermissionDenied):  # a secretary of branch_a does not rate branch_a2's members
        ratings.rate_member(world.member_a2, period, by=people["secretary"], level=L.QUALIFIED)
    assert ratings.rate_member(world.member_a, period, by=people["county_od"], level=L.QUALIFIED)


# --- two secretaries at once: the second gets 409 and keeps his text ----------------------------------


def test_second_stale_save_gets_409_and_keeps_the_typed_text(world, period, people, login, client):
    url = rating_url(world.branch_a, world.member_a, period)
    first = login(people["secretary"])
    form = text(first.get(url))
    version = re.search(r'name="version" value="([^"]*)"', form)
    loaded = version.group(1) if version else ""
    assert loaded == ""  # nobody rated him yet
    # the second secretary saves first …
    ratings.rate_member(world.member_a, period, by=people["secretary2"], level=L.QUALIFIED)
    # … then the first one submits what he typed against the stale form
    response = first.post(
        url, {"level": L.EXCELLENT, "reason": "带头调解邻里纠纷十余起", "version": loaded, "period": period.code}
    )
    assert response.status_code == 409
    html = text(response)
    assert "该党员的评定等次已被他人修改" in html
    assert "带头调解邻里纠纷十余起</textarea>" in html  # the typed text is kept
    assert 'id="current-rating">当前等次：<strong>合格</strong>' in html
    rating = MemberRating.objects.get()
    assert (rating.level, rating.rated_by) == (L.QUALIFIED, people["secretary2"])  # nothing overwritten
    # the 409 page carries the current version: saving again is a deliberate overwrite
    current = re.search(r'name="version" value="([^"]*)"', html).group(1)
    assert current == ratings.version_of(rating.updated_at)
    again = first.post(
        url, {"level": L.EXCELLENT, "reason": "带头调解邻里纠纷十余起", "version": current, "period": period.code}
    )
    assert again.status_code == 302
    rating.refresh_from_db()
    assert (rating.level, rating.rated_by) == (L.EXCELLENT, people["secretary"])


def test_service_stale_check(world, period, people):
    rating = ratings.rate_member(world.member_a, period, by=people["secretary"], level=L.QUALIFIED)
    loaded = rating.updated_at
    ratings.rate_member(world.member_a, period, by=people["secretary2"], level=L.BASIC, reason="请假较多")
    with pytest.raises(ratings.StaleRating):
        ratings.rate_member(
            world.member_a, period, by=people["secretary"], level=L.QUALIFIED, expected_updated_at=loaded
        )
    with pytest.raises(ratings.StaleRating):  # the form was loaded when there was no rating
        ratings.rate_member(world.member_a, period, by=people["secretary"], level=L.QUALIFIED, expected_updated_at="")
    assert MemberRating.objects.get().level == L.BASIC


# --- the board ------------------------------------------------------------------------------------------


def test_board_shows_every_member_with_scores_and_rating(world, seed_criteria, period, people, login):
    sec = people["secretary"]
    farmer = MemberFactory(org=world.branch_a, name="刘农民", category=MemberCategory.FARMER)
    make_assessment(period, member=world.member_a, source=Source.SELF, levels="satisfied", author=people["member"])
    make_assessment(period, member=world.member_a, source=Source.SUPERIOR, levels="fairly", author=sec)
    make_assessment(period, member=world.member_a, source=Source.PEER, levels="satisfied", author=people["secretary2"])
    batch, tokens = make_batch(world.branch_a, seed_criteria["five-models"], period=period, members=[world.member_a])
    from evaluations.services import mass

    crits = list(seed_criteria["five-models"].criteria.all())
    mass.submit_answers(tokens[world.member_a.pk][0], {c.pk: "basically" for c in crits})
    ratings.rate_member(world.member_a, period, by=sec, level=L.QUALIFIED)
    client = login(sec)
    html = text(client.get(board_url(world.branch_a, period)))
    card = html[html.index('id="member-' + str(world.member_a.pk)) :]
    card = card[: card.index("</section>")]
    # self 100 (weight 0), peer 100, mass 60, branch 80 → (30×100 + 30×60 + 40×80) / 100 = 80.00
    assert 'score-self">100.00' in card and 'score-peer">100.00' in card and 'score-mass">60.00' in card
    assert 'score-branch">80.00' in card and 'score-combined">80.00' in card
    assert "<strong>合格</strong>" in card and "修改等次" in card and "查看考核" in card
    assert "刘农民" in html and "王志强" not in html and "李秀英" not in html
    assert 'data-level="qualified">合格 1<' in html and 'data-level="excellent">优秀 0<' in html
    assert "发布本期党员评议结果" in html
    farmer_card = html[html.index('id="member-' + str(farmer.pk)) :]
    assert "未评定" in farmer_card[: farmer_card.index("</section>")]


BOARD_MATRIX = [
    ("secretary", 200),
    ("county_od", 200),
    ("city_lg", 200),
    ("other_secretary", 404),
    ("member", 403),
]


@pytest.mark.parametrize(("who", "status"), BOARD_MATRIX)
def test_board_permission_matrix(world, period, people, login, who, status):
    response = login(people[who]).get(board_url(world.branch_a, period))
    assert response.status_code == status
    if status == 200:
        assert "张建国" in response.content.decode()


@pytest.mark.parametrize(
    ("who", "status"),
    [("secretary", 200), ("county_od", 200), ("city_lg", 403), ("other_secretary", 404), ("member", 403)],
)
def test_rating_page_permission_matrix(world, period, people, login, who, status):
    response = login(people[who]).get(rating_url(world.branch_a, world.member_a, period))
    assert response.status_code == status
    if status == 200:
        assert "评定等次：张建国" in response.content.decode()
    post = login(people[who]).post(
        rating_url(world.branch_a, world.member_a, period), {"level": L.QUALIFIED, "version": ""}
    )
    assert post.status_code == (302 if status == 200 else status)


def test_release_permission_matrix_and_once(world, period, people, login):
    url = reverse("evaluations:branch_members_release", args=[world.branch_a.code])
    assert login(people["other_secretary"]).post(url, {"period": period.code}).status_code == 404
    assert login(people["member"]).post(url, {"period": period.code}).status_code == 403
    assert login(people["city_lg"]).post(url, {"period": period.code}).status_code == 403
    assert login(people["secretary"]).get(url).status_code == 405
    response = login(people["secretary"]).post(url, {"period": period.code})
    assert response.status_code == 302
    release = MemberResultsRelease.objects.get()
    assert (release.org, release.period, release.released_by) == (world.branch_a, period, people["secretary"])
    with pytest.raises(ValidationError):
        ratings.release_member_results(world.branch_a, period, by=people["county_od"])
    html = text(login(people["secretary"]).get(board_url(world.branch_a, period)))
    assert 'id="released"' in html and "发布本期党员评议结果" not in html


def test_anonymous_goes_to_login(world, period, client):
    for url in (
        board_url(world.branch_a, period),
        rating_url(world.branch_a, world.member_a, period),
        reverse("evaluations:my_assessment"),
    ):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_board_of_a_non_basic_org_is_404(world, period, people, login):
    assert login(people["county_od"]).get(board_url(world.town_a, period)).status_code == 404


def test_board_query_count_is_the_same_for_1_and_30_members(world, seed_criteria, period, people, login):
    client = login(people["secretary"])
    url = board_url(world.branch_a, period)

    def add(n):
        for _ in range(n):
            m = MemberFactory(org=world.branch_a)
            make_assessment(period, member=m, source=Source.SUPERIOR, levels="satisfied")
            ratings.rate_member(m, period, by=people["secretary"], level=L.EXCELLENT)
            make_batch(world.branch_a, seed_criteria["five-models"], period=period, members=[m], tokens=1)

    add(1)
    client.get(url)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    one = count()
    add(29)
    assert count() == one


# --- a member moved to another branch mid-period -----------------------------------------------------------


def test_member_moved_mid_period(world, period, people, login):
    sec = people["secretary"]
    make_assessment(period, member=world.member_a, source=Source.SUPERIOR, levels="satisfied", author=sec)
    ratings.rate_member(world.member_a, period, by=sec, level=L.EXCELLENT)
    ratings.release_member_results(world.branch_a, period, by=sec)
    org_services.transfer_member(world.member_a, world.branch_a2, by=people["county_od"], reason="工作调动")
    world.member_a.refresh_from_db()
    assert world.member_a.org == world.branch_a2
    # the old branch's board still shows what it made, read only
    html = text(login(sec).get(board_url(world.branch_a, period)))
    card = html[html.index(f'id="member-{world.member_a.pk}') :]
    card = card[: card.index("</section>")]
    assert "已转出至正定镇中学党支部" in card and "<strong>优秀</strong>" in card and "修改等次" not in card
    # the old secretary can no longer rate him; his new branch sees his records and may change them
    assert login(sec).get(rating_url(world.branch_a, world.member_a, period)).status_code == 404
    new_sec = user_with_role(world.branch_a2, Role.SECRETARY, username="sec_a2_branch")
    new_html = text(login(new_sec).get(board_url(world.branch_a2, period)))
    new_card = new_html[new_html.index(f'id="member-{world.member_a.pk}') :]
    assert "<strong>优秀</strong>" in new_card[: new_card.index("</section>")]
    # his own page still shows the released results, keyed by the organization on the row
    results = queries_scoring.released_results_for(world.member_a)
    assert [(r["period"], r["org"], r["rating"].level) for r in results] == [(period, world.branch_a, L.EXCELLENT)]
    own = text(login(people["member"]).get(reverse("evaluations:my_assessment")))
    assert "党组织已公布的评议结果" in own and "塔元庄村党支部" in own and '"rating-level">优秀<' in own


# --- what a member sees: only released results -------------------------------------------------------------


def test_released_results_only_after_release(world, seed_criteria, period, people, login):
    sec = people["secretary"]
    make_assessment(period, member=world.member_a, source=Source.SUPERIOR, levels="fairly", author=sec)
    ratings.rate_member(world.member_a, period, by=sec, level=L.QUALIFIED)
    batch, tokens = make_batch(world.branch_a, seed_criteria["five-models"], period=period, members=[world.member_a])
    from evaluations.services import mass

    crits = list(seed_criteria["five-models"].criteria.all())
    mass.submit_answers(tokens[world.member_a.pk][0], {c.pk: "satisfied" for c in crits})
    assert queries_scoring.released_results_for(world.member_a) == []
    own = text(login(people["member"]).get(reverse("evaluations:my_assessment")))
    assert "党组织已公布的评议结果" not in own
    ratings.release_member_results(world.branch_a, period, by=sec)
    with CaptureQueriesContext(connection) as ctx:
        results = queries_scoring.released_results_for(world.member_a)
    assert len(ctx.captured_queries) <= 10
    [item] = results
    assert item["rating"].level == L.QUALIFIED and item["assessment"].score == Decimal("80.00")
    assert [r["label"] for r in item["rows"]] == ["比较满意"] * 5
    [(mass_batch, result)] = item["mass"]
    assert mass_batch == batch and result.answered == 1 and result.criteria[0].levels[0].count == 1
    # another member of the branch sees nothing of member_a
    assert queries_scoring.released_results_for(world.member_a2) == []


def test_a_member_with_no_account_is_rated_and_listed(world, period, people, login):
    no_account = MemberFactory(org=world.branch_a, name="郑无账号", category=MemberCategory.RETIRED)
    make_assessment(period, member=no_account, source=Source.SUPERIOR, levels="satisfied", author=people["secretary"])
    rating = ratings.rate_member(no_account, period, by=people["secretary"], level=L.EXCELLENT)
    assert rating.level == L.EXCELLENT and rating.reason == ""  # 100 → 优秀: agrees with the scores
    ratings.release_member_results(world.branch_a, period, by=people["secretary"])
    html = text(login(people["secretary"]).get(board_url(world.branch_a, period)))
    card = html[html.index(f'id="member-{no_account.pk}') :]
    assert "<strong>优秀</strong>" in card[: card.index("</section>")]
    assert queries_scoring.released_results_for(no_account)[0]["rating"] == rating
