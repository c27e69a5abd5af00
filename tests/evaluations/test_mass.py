"""群众评议: one-time tokens, the window, refusals that leak nothing, rate limiting, anonymous answers,
paper tallies, results and the mass scores."""

import datetime
import random
import re
import secrets
from collections import Counter
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from evaluations.models import MassAnswer, MassBatch, MassTally, MassToken
from evaluations.services import mass as services
from orgs.enums import Role
from orgs.models import Member, Org
from tests.factories import MemberFactory, user_with_role
from tests.factories.evaluations_mass import make_batch, mass_period

pytestmark = pytest.mark.django_db
LEVELS = ["satisfied", "fairly", "basically", "unsatisfied"]
NEUTRAL = "二维码无效。请核对网址是否完整，或向发放二维码的单位咨询。"


@pytest.fixture(autouse=True)
def _fresh_rate_limit():
    cache.delete(services.rate_limit_key("127.0.0.1"))
    yield
    cache.delete(services.rate_limit_key("127.0.0.1"))


def answer_url(token):
    return reverse("evaluations:mass_answer", args=[token])


def post_data(criteria_set, levels):
    criteria = list(criteria_set.criteria.all())
    if isinstance(levels, str):
        levels = [levels] * len(criteria)
    return {f"c{c.pk}": level for c, level in zip(criteria, levels, strict=True)}


# ---- tokens ------------------------------------------------------------------------------------


def test_a_token_answers_once_and_the_second_use_is_refused(world, seed_criteria, client):
    five_good = seed_criteria["five-good"]
    batch, tokens = make_batch(world.branch_a, five_good, tokens=2)
    page = client.get(answer_url(tokens[0]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "评议组织：塔元庄村党支部" in html
    for c in five_good.criteria.all():
        assert c.name in html
    assert html.count('type="radio"') == 5 * 4 and "比较满意" in html

    response = client.post(answer_url(tokens[0]), post_data(five_good, "satisfied"))
    assert response.status_code == 302 and response["Location"] == reverse("evaluations:mass_thanks")
    assert "评议已提交" in client.get(response["Location"]).content.decode()
    assert MassAnswer.objects.filter(batch=batch).count() == 5
    assert MassToken.objects.filter(batch=batch, used_at__isnull=False).count() == 1

    again = client.post(answer_url(tokens[0]), post_data(five_good, "unsatisfied"))
    assert again.status_code == 410
    assert "这个二维码已经使用过了" in again.content.decode()
    assert client.get(answer_url(tokens[0])).status_code == 410
    assert MassAnswer.objects.filter(batch=batch).count() == 5
    assert not MassAnswer.objects.filter(level="unsatisfied").exists()


def test_the_token_is_claimed_atomically(world, seed_criteria):
    """Two submissions that both looked the token up as unused: the conditional UPDATE lets one through."""
    five_good = seed_criteria["five-good"]
    batch, tokens = make_batch(world.branch_a, five_good, tokens=1)
    choices = {c.pk: "fairly" for c in five_good.criteria.all()}
    late = services.find_token(tokens[0])  # the second request saw an unused token …
    services.submit_answers(tokens[0], choices)  # … while the first one stored its sheet
    assert services.claim_token(late.pk, at=timezone.now()) is False
    with pytest.raises(services.TokenRefused) as refused:
        services.submit_answers(tokens[0], choices)
    assert refused.value.reason == "used"
    assert MassAnswer.objects.filter(batch=batch).count() == 5


def test_window_before_open_and_after_close(world, seed_criteria, client):
    five_good = seed_criteria["five-good"]
    now = timezone.now()
    early, early_tokens = make_batch(
        world.branch_a,
        five_good,
        opens_at=now + datetime.timedelta(hours=2),
        closes_at=now + datetime.timedelta(days=2),
    )
    late, late_tokens = make_batch(
        world.branch_a,
        five_good,
        opens_at=now - datetime.timedelta(days=2),
        closes_at=now - datetime.timedelta(seconds=1),
    )
    response = client.get(answer_url(early_tokens[0]))
    assert response.status_code == 403 and "评议尚未开始" in response.content.decode()
    response = client.post(answer_url(early_tokens[0]), post_data(five_good, "satisfied"))
    assert response.status_code == 403
    response = client.get(answer_url(late_tokens[0]))
    assert response.status_code == 410 and "本次评议已结束" in response.content.decode()
    response = client.post(answer_url(late_tokens[0]), post_data(five_good, "satisfied"))
    assert response.status_code == 410
    assert MassAnswer.objects.count() == 0
    assert not MassToken.objects.filter(used_at__isnull=False).exists()
    # the edges: open at opens_at, closed at closes_at
    row = MassToken.objects.filter(batch=early).first()
    choices = {c.pk: "satisfied" for c in five_good.criteria.all()}
    with pytest.raises(services.TokenRefused):
        services.submit_answers(early_tokens[0], choices, at=early.opens_at - datetime.timedelta(microseconds=1))
    services.submit_answers(early_tokens[0], choices, at=early.opens_at)
    assert MassToken.objects.get(pk=row.pk).used_at == early.opens_at
    with pytest.raises(services.TokenRefused) as refused:
        services.submit_answers(early_tokens[1], choices, at=early.closes_at)
    assert refused.value.reason == "closed"


def test_tampered_and_guessed_tokens_get_the_same_neutral_page(world, seed_criteria, client):
    batch, tokens = make_batch(world.branch_a, seed_criteria["five-good"], tokens=1)
    real = tokens[0]
    flipped = real[:-1] + ("A" if real[-1] != "A" else "B")
    candidates = [
        flipped,  # tampered: one character changed
        real[:-2],  # truncated
        real + "x",  # extended
        secrets.token_urlsafe(16),  # guessed
        "a" * 22,
        "../../etc/passwd",
        "短",
        services.token_digest(real),  # the stored digest itself does not work as a token
    ]
    pages = set()
    for token in candidates:
        for method in (client.get, client.post):
            response = method(f"/evaluations/m/{token}/")
            assert response.status_code == 404, token
            body = response.content.decode()
            assert NEUTRAL in body
            assert "塔元庄" not in body and batch.criteria_set.name not in body
            pages.add(re.sub(r'"X-CSRFToken": "[^"]*"', "", body))
    assert len(pages) == 1  # byte for byte the same page, whatever was tried
    assert MassAnswer.objects.count() == 0
    assert not MassToken.objects.filter(used_at__isnull=False).exists()
    assert client.get(answer_url(real)).status_code == 200


def test_an_incomplete_answer_is_refused_at_the_criterion_and_the_token_stays_unused(world, seed_criteria, client):
    five_good = seed_criteria["five-good"]
    batch, tokens = make_batch(world.branch_a, five_good, tokens=1)
    data = post_data(five_good, "satisfied")
    first = five_good.criteria.order_by("order").first()
    data.pop(f"c{first.pk}")
    data[f"c{five_good.criteria.order_by('order').last().pk}"] = "bogus"
    response = client.post(answer_url(tokens[0]), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert html.count("请选择一个等次") == 2
    assert MassAnswer.objects.count() == 0
    assert MassToken.objects.get(batch=batch).used_at is None


def test_rate_limit_answers_429_after_n_requests_per_address(world, seed_criteria, client, settings):
    settings.MASS_RATE_LIMIT = 5
    batch, tokens = make_batch(world.branch_a, seed_criteria["five-good"], tokens=1)
    ip = "203.0.113.7"
    cache.delete(services.rate_limit_key(ip))
    for _ in range(5):
        assert client.get(answer_url(tokens[0]), REMOTE_ADDR=ip).status_code == 200
    limited = client.get(answer_url(tokens[0]), REMOTE_ADDR=ip)
    assert limited.status_code == 429
    assert "访问过于频繁" in limited.content.decode()
    # guessing is limited the same way, and a POST too
    assert client.get(answer_url(secrets.token_urlsafe(16)), REMOTE_ADDR=ip).status_code == 429
    assert client.post(answer_url(tokens[0]), {}, REMOTE_ADDR=ip).status_code == 429
    # another address is not affected
    other = "198.51.100.9"
    cache.delete(services.rate_limit_key(other))
    assert client.get(answer_url(tokens[0]), REMOTE_ADDR=other).status_code == 200
    # the cache key does not contain the address
    assert ip not in services.rate_limit_key(ip)
    cache.delete(services.rate_limit_key(ip))
    cache.delete(services.rate_limit_key(other))


def test_behind_a_proxy_the_configured_header_names_the_address(world, seed_criteria, client, settings):
    settings.MASS_RATE_LIMIT = 2
    batch, tokens = make_batch(world.branch_a, seed_criteria["five-good"], tokens=1)
    url = answer_url(tokens[0])
    for ip in ("10.0.0.1", "10.0.0.2", "10.9.9.9"):
        cache.delete(services.rate_limit_key(ip))
    # without the setting a client's header is ignored: all requests count for REMOTE_ADDR
    codes = [client.get(url, REMOTE_ADDR="10.9.9.9", HTTP_X_FORWARDED_FOR=f"10.0.0.{i}").status_code for i in (1, 2, 3)]
    assert codes == [200, 200, 429]
    settings.TRUSTED_PROXY_COUNT = 1  # nginx in front: the address it appended counts, a forged one does not
    for ip in ("10.0.0.1", "10.0.0.2"):
        assert [
            client.get(url, REMOTE_ADDR="10.9.9.9", HTTP_X_FORWARDED_FOR=f"6.6.6.{n}, {ip}").status_code
            for n in range(3)
        ] == [200, 200, 429]
    for ip in ("10.0.0.1", "10.0.0.2", "10.9.9.9"):
        cache.delete(services.rate_limit_key(ip))


def test_default_rate_limit_is_20_per_10_minutes(world, seed_criteria, client):
    batch, tokens = make_batch(world.branch_a, seed_criteria["five-good"], tokens=1)
    ip = "192.0.2.44"
    cache.delete(services.rate_limit_key(ip))
    codes = [client.get(answer_url(tokens[0]), REMOTE_ADDR=ip).status_code for _ in range(21)]
    assert codes[:20] == [200] * 20 and codes[20] == 429
    cache.delete(services.rate_limit_key(ip))


def test_nothing_personal_is_stored(world, seed_criteria, client):
    five_good = seed_criteria["five-good"]
    batch, tokens = make_batch(world.branch_a, five_good, tokens=1)
    client.post(
        answer_url(tokens[0]),
        post_data(five_good, "fairly"),
        REMOTE_ADDR="203.0.113.99",
        HTTP_USER_AGENT="Mozilla/5.0 (iPhone; Zhangsan's phone)",
    )
    assert MassAnswer.objects.count() == 5
    with connection.cursor() as cursor:
        columns = {c.name for c in connection.introspection.get_table_description(cursor, MassAnswer._meta.db_table)}
    assert columns == {"id", "batch_id", "member_id", "criterion_id", "level"}
    for forbidden in ("ip", "addr", "agent", "token", "user", "time", "created", "session"):
        assert not any(forbidden in c for c in columns), forbidden
    related = {f.related_model for f in MassAnswer._meta.get_fields() if f.is_relation}
    assert MassToken not in related
    # nothing stores the address or the browser anywhere in the evaluations tables
    with connection.cursor() as cursor:
        for model in (MassAnswer, MassToken, MassBatch, MassTally):
            cursor.execute(f"SELECT * FROM {model._meta.db_table}")  # noqa: S608  (table names from models)
            dump = repr(cursor.fetchall())
            assert "203.0.113.99" not in dump and "iPhone" not in dump
            assert tokens[0] not in dump
    # answer keys are random, so their order says nothing about the order of the tokens
    assert all(len(str(a.pk)) == 36 for a in MassAnswer.objects.all())


def test_the_public_page_keeps_the_referrer_on_site_and_is_not_cached(world, seed_criteria, client):
    batch, tokens = make_batch(world.branch_a, seed_criteria["five-good"], tokens=1)
    response = client.get(answer_url(tokens[0]))
    assert response["Referrer-Policy"] == "same-origin"
    assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]


def test_member_batch_page_shows_name_and_org_only(world, seed_criteria, client):
    five_models = seed_criteria["five-models"]
    batch, tokens = make_batch(world.branch_a, five_models, members=[world.member_a], tokens=1)
    html = client.get(answer_url(tokens[world.member_a.pk][0])).content.decode()
    assert "评议党员：张建国" in html and "所在组织：塔元庄村党支部" in html
    member = world.member_a
    for private in (member.id_number, member.mobile, member.masked_id_number, member.post):
        assert private not in html
    client.post(answer_url(tokens[member.pk][0]), post_data(five_models, "satisfied"))
    assert set(MassAnswer.objects.values_list("member_id", flat=True)) == {member.pk}


# ---- creating a batch --------------------------------------------------------------------------


def test_batch_form_creates_tokens_and_validates_in_chinese(world, seed_criteria, login):
    user = user_with_role(world.county_a, Role.ORG_DEPARTMENT)
    period = mass_period()
    client = login(user)
    url = reverse("evaluations:mass_batch_create")
    assert client.get(url).status_code == 200
    base = {
        "org_code": world.branch_a.code,
        "target": "org",
        "period": period.pk,
        "tokens_per_target": 3,
        "opens_at": "2030-01-01T08:00",
        "closes_at": "2030-01-08T18:00",
    }
    bad = client.post(url, {**base, "closes_at": "2029-12-31T08:00"})
    assert bad.status_code == 200 and "截止时间必须晚于开始时间" in bad.content.decode()
    bad = client.post(url, {**base, "org_code": world.branch_b.code})
    assert "不在您的管理范围内" in bad.content.decode()
    bad = client.post(url, {**base, "criteria_set": seed_criteria["five-models"].pk})
    assert "该评价标准不适用" in bad.content.decode()
    bad = client.post(url, {**base, "tokens_per_target": 0})
    assert bad.status_code == 200
    assert MassBatch.objects.count() == 0

    response = client.post(url, base)
    batch = MassBatch.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("evaluations:mass_batch", args=[batch.pk])
    assert batch.criteria_set == seed_criteria["five-good"]  # the default for an organization
    assert batch.token_count == 3 and batch.tokens.count() == 3
    assert batch.public_base_url == "http://testserver"
    assert timezone.localtime(batch.opens_at).strftime("%Y-%m-%d %H:%M") == "2030-01-01 08:00"

    member_batch = client.post(url, {**base, "target": "member", "org_code": world.town_a.code})
    assert "该组织没有直属党员" in member_batch.content.decode()
    client.post(url, {**base, "target": "member", "tokens_per_target": 2})
    member_batch = MassBatch.objects.filter(target="member").get()
    assert member_batch.criteria_set == seed_criteria["five-models"]
    assert member_batch.token_count == 2


# ---- tallies and results -----------------------------------------------------------------------


def test_results_percentages_equal_an_independent_count(world, seed_criteria, client, login):
    five_good = seed_criteria["five-good"]
    criteria = list(five_good.criteria.order_by("order"))
    batch, tokens = make_batch(world.branch_a, five_good, tokens=9)
    rng = random.Random(20100701)
    sheets = [[rng.choice(LEVELS) for _ in criteria] for _ in range(7)]
    for token, levels in zip(tokens, sheets, strict=False):
        assert client.post(answer_url(token), post_data(five_good, levels)).status_code == 302
    paper = {  # 6 paper ballots per criterion
        (criteria[0].pk, "satisfied"): 4,
        (criteria[0].pk, "unsatisfied"): 2,
        **{(c.pk, "fairly"): 6 for c in criteria[1:]},
    }
    user = user_with_role(world.county_a, Role.ORG_DEPARTMENT)
    services.save_tallies(batch, by=user, member=None, counts=paper)

    expected = {}
    for i, c in enumerate(criteria):
        counts = Counter(sheet[i] for sheet in sheets)
        for level in LEVELS:
            counts[level] += paper.get((c.pk, level), 0)
        total = sum(counts.values())
        assert total == 13
        for level in LEVELS:
            pct = (Decimal(counts[level]) * 100 / Decimal(total)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
            expected[(c.order, level)] = (counts[level], pct)

    html = (
        login(user_with_role(world.city_a, Role.LEADING_GROUP))
        .get(reverse("evaluations:mass_batch", args=[batch.pk]))
        .content.decode()
    )
    assert "网上评议 7 份 / 发放二维码 9 个（参与率 77.8%）" in html
    assert "纸质选票 6 张" in html
    for (order, level), (count, pct) in expected.items():
        cell = html.split(f'id="cell-org-{order}-{level}">', 1)[1].split("</td>", 1)[0]
        assert f'<span class="count">{count}</span>' in cell
        assert f"{pct}%" in cell, (order, level, cell)
    # the service agrees with the page
    results = services.batch_results(batch)[0]
    assert (results.issued, results.answered, results.ballots) == (9, 7, 6)
    for row in results.criteria:
        for level in row.levels:
            assert (level.count, level.percent) == expected[(row.criterion.order, level.key)]


def test_half_up_rounding_of_percentages():
    assert services.percent(1, 8) == Decimal("12.5")
    assert services.percent(1, 16) == Decimal("6.3")  # 6.25 → 6.3 (not banker's 6.2)
    assert services.percent(1, 3) == Decimal("33.3")
    assert services.percent(2, 3) == Decimal("66.7")
    assert services.percent(0, 0) is None


def test_tally_form_validation_and_replace(world, seed_criteria, login):
    five_good = seed_criteria["five-good"]
    criteria = list(five_good.criteria.order_by("order"))
    batch, tokens = make_batch(world.branch_a, five_good, tokens=1)
    client = login(user_with_role(world.county_a, Role.ORG_DEPARTMENT))
    url = reverse("evaluations:mass_tally", args=[batch.pk])
    assert client.get(url).status_code == 200

    def form(counts):
        return {f"c{c.pk}_{level}": counts.get((i, level), 0) for i, c in enumerate(criteria) for level in LEVELS}

    negative = client.post(url, form({(0, "satisfied"): -1, **{(i, "satisfied"): 0 for i in range(1, 5)}}))
    assert negative.status_code == 200 and "票数不能为负数" in negative.content.decode()
    uneven = {(i, "satisfied"): 10 for i in range(5)}
    uneven[(3, "satisfied")] = 9
    response = client.post(url, form(uneven))
    html = response.content.decode()
    assert "“工作业绩好”合计 9 张，与其他项目的 10 张不一致" in html
    assert "领导班子好”合计" not in html
    assert MassTally.objects.count() == 0

    even = {(i, "satisfied"): 8 for i in range(5)} | {(i, "unsatisfied"): 2 for i in range(5)}
    assert client.post(url, form(even)).status_code == 302
    assert MassTally.objects.filter(batch=batch).count() == 10
    # saving again replaces the tallies
    assert client.post(url, form({(i, "fairly"): 3 for i in range(5)})).status_code == 302
    assert sorted(MassTally.objects.values_list("level", "count").distinct()) == [("fairly", 3)]
    page = client.get(url).content.decode()
    assert 'value="3"' in page


def test_tally_uneven_row_is_shown_above_the_table_not_at_a_cell(world, seed_criteria, login):
    """A row whose total differs is about the whole row: the message stands above the table, no cell is marked
    invalid (a message in the 满意 cell widened that column on a phone), and every typed count is kept."""
    five_good = seed_criteria["five-good"]
    criteria = list(five_good.criteria.order_by("order"))
    batch, tokens = make_batch(world.branch_a, five_good, tokens=1)
    client = login(user_with_role(world.county_a, Role.ORG_DEPARTMENT))
    url = reverse("evaluations:mass_tally", args=[batch.pk])
    data = {f"c{c.pk}_{level}": 0 for c in criteria for level in LEVELS}
    data |= {f"c{c.pk}_satisfied": 9 for c in criteria}
    data[f"c{criteria[2].pk}_satisfied"] = 10
    response = client.post(url, data)
    assert response.status_code == 200
    html = response.content.decode()
    message = f"“{criteria[2].name}”合计 10 张，与其他项目的 9 张不一致；每张选票对每个项目都要评价"
    assert html.index('<div class="alert alert-danger" role="alert">' + message) < html.index("<table")
    assert html.count(message) == 1
    assert "is-invalid" not in html and "invalid-feedback" not in html
    assert f'id="id_c{criteria[2].pk}_satisfied" value="10"' in html
    assert f'id="id_c{criteria[0].pk}_satisfied" value="9"' in html
    assert MassTally.objects.count() == 0


def test_member_batch_tallies_and_results_per_member(world, seed_criteria, client, login):
    five_models = seed_criteria["five-models"]
    second = MemberFactory(org=world.branch_a, name="赵红梅")
    batch, tokens = make_batch(world.branch_a, five_models, members=[world.member_a, second], tokens=2)
    client.post(answer_url(tokens[world.member_a.pk][0]), post_data(five_models, "satisfied"))
    client.post(answer_url(tokens[second.pk][0]), post_data(five_models, "basically"))
    client.post(answer_url(tokens[second.pk][1]), post_data(five_models, "satisfied"))
    user = user_with_role(world.county_a, Role.ORG_DEPARTMENT)
    login(user)
    url = reverse("evaluations:mass_tally", args=[batch.pk])
    assert client.get(url).status_code == 404  # which member?
    assert client.get(f"{url}?member={world.member_b.pk}").status_code == 404  # not in this batch
    criteria = list(five_models.criteria.all())
    data = {f"c{c.pk}_unsatisfied": 1 for c in criteria}
    assert client.post(f"{url}?member={world.member_a.pk}", data).status_code == 302
    html = client.get(reverse("evaluations:mass_batch", args=[batch.pk])).content.decode()
    assert "网上评议 1 份 / 发放二维码 2 个（参与率 50.0%）；纸质选票 1 张" in html
    assert "网上评议 2 份 / 发放二维码 2 个（参与率 100.0%）" in html
    a_cell = html.split(f'id="cell-{world.member_a.pk}-1-satisfied">', 1)[1].split("</td>", 1)[0]
    assert '<span class="count">1</span>' in a_cell and "50.0%" in a_cell
    b_cell = html.split(f'id="cell-{second.pk}-1-basically">', 1)[1].split("</td>", 1)[0]
    assert "50.0%" in b_cell


def test_a_member_tally_names_the_member_it_is_refused_for(world, seed_criteria):
    five_models = seed_criteria["five-models"]
    batch, _tokens = make_batch(world.branch_a, five_models, members=[world.member_a], tokens=1)
    user = user_with_role(world.county_a, Role.ORG_DEPARTMENT)
    counts = {(c.pk, "unsatisfied"): 1 for c in five_models.criteria.all()}
    with pytest.raises(ValidationError) as error:
        services.save_tallies(batch, by=user, member=None, counts=counts)
    assert error.value.message_dict == {"member": ["请选择要录入选票的党员"]}
    with pytest.raises(ValidationError) as error:
        services.save_tallies(batch, by=user, member=world.member_b, counts=counts)
    assert error.value.message_dict == {"member": ["该党员不在本批次的评议对象中"]}
    assert not MassTally.objects.exists()


# ---- scores for the combined score ---------------------------------------------------------------


def test_mass_scores_weighted_mean_of_level_scores(world, seed_criteria, client):
    five_good = seed_criteria["five-good"]
    criteria = list(five_good.criteria.order_by("order"))
    criteria[0].weight = Decimal(3)
    criteria[0].save()
    period = mass_period()
    batch, tokens = make_batch(world.branch_a, five_good, period=period, tokens=3)
    # sheet 1: all 满意 (100); sheet 2: all 基本满意 (60); paper: 1 ballot all 不满意 (0)
    client.post(answer_url(tokens[0]), post_data(five_good, "satisfied"))
    client.post(
        answer_url(tokens[1]), post_data(five_good, ["fairly", "basically", "basically", "basically", "basically"])
    )
    user = user_with_role(world.county_a, Role.ORG_DEPARTMENT)
    services.save_tallies(batch, by=user, member=None, counts={(c.pk, "unsatisfied"): 1 for c in criteria})
    other, other_tokens = make_batch(world.branch_b, five_good, period=period, tokens=1)
    client.post(answer_url(other_tokens[0]), post_data(five_good, "fairly"))
    make_batch(world.branch_a2, five_good, period=mass_period(), tokens=1)  # another period: ignored

    # criterion 1: (100 + 80 + 0) / 3 = 60; criteria 2–5: (100 + 60 + 0) / 3 = 53.333…
    # weighted: (3 × 60 + 4 × 53.333…) / 7 = 56.190… → 56.19
    scores = services.mass_scores(period, Org.objects.all())
    assert scores == {world.branch_a.pk: Decimal("56.19"), world.branch_b.pk: Decimal("80.00")}
    only_a = services.mass_scores(period, Org.objects.filter(pk=world.branch_a.pk))
    assert only_a == {world.branch_a.pk: Decimal("56.19")}
    assert services.mass_scores(mass_period(), None) == {}


def test_mass_member_scores(world, seed_criteria, client):
    five_models = seed_criteria["five-models"]
    period = mass_period()
    second = MemberFactory(org=world.branch_a, name="赵红梅")
    batch, tokens = make_batch(world.branch_a, five_models, period=period, members=[world.member_a, second], tokens=2)
    client.post(answer_url(tokens[world.member_a.pk][0]), post_data(five_models, "satisfied"))
    client.post(answer_url(tokens[world.member_a.pk][1]), post_data(five_models, "fairly"))
    client.post(answer_url(tokens[second.pk][0]), post_data(five_models, "basically"))
    scores = services.mass_member_scores(period, Member.objects.all())
    assert scores == {world.member_a.pk: Decimal("90.00"), second.pk: Decimal("60.00")}
    assert services.mass_member_scores(period, Member.objects.filter(pk=second.pk)) == {second.pk: Decimal("60.00")}
