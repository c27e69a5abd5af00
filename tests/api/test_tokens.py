"""Personal API tokens: made on the user's own page and shown once, kept only as a SHA-256 digest, expiring,
revocable, with the last use recorded; a disabled account or a withdrawn role loses access."""

import datetime
import hashlib
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from api.models import ApiToken
from api.tokens import create_token
from orgs.enums import Role
from orgs.models import RoleAssignment
from tests.factories import user_with_role

TOKEN_RE = re.compile(r'id="new-token-secret">(cxzy_[A-Za-z0-9_-]{43})<')


@pytest.fixture
def dept(world):
    return user_with_role(world.county_a, Role.ORG_DEPARTMENT, full_name="正定县组织部")


def problem(response):
    assert response["Content-Type"] == "application/problem+json"
    return response.json()


def test_the_page_is_linked_from_the_account_page_and_needs_login(client, dept, login):
    response = client.get(reverse("api:tokens"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    html = login(dept).get(reverse("password_change")).content.decode()
    assert reverse("api:tokens") in html and "个人API令牌" in html


def test_create_shows_the_secret_once_and_stores_only_its_digest(dept, login, api):
    client = login(dept)
    response = client.post(reverse("api:tokens"), {"name": "党员信息管理系统同步", "days": 30})
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    html = response.content.decode()
    secret = TOKEN_RE.search(html).group(1)
    assert "请立即复制保存" in html

    token = ApiToken.objects.get(user=dept)
    assert token.digest == hashlib.sha256(secret.encode()).hexdigest()
    assert token.prefix == secret[:12] and secret not in (token.name, token.prefix, token.digest)
    assert token.expires_at - timezone.now() > datetime.timedelta(days=29, hours=23)
    assert token.history.get().history_user == dept  # created, with history like every record

    # the list shows the prefix, never the secret again
    again = client.get(reverse("api:tokens")).content.decode()
    assert token.prefix in again and secret not in again and "从未使用" in again

    # the secret works; its first use is recorded
    me = api(dept, token=secret).get("/api/v1/me/")
    assert me.status_code == 200 and me.json()["username"] == dept.username
    assert me.json()["token"]["prefix"] == token.prefix
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_token_keyword_and_bearer_both_work(dept, api):
    token, secret = create_token(dept, name="脚本")
    client = api()
    client.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
    assert client.get("/api/v1/me/").status_code == 200


def test_bad_creation_input_is_shown_at_the_field_and_nothing_is_made(dept, login):
    response = login(dept).post(reverse("api:tokens"), {"name": "", "days": 9999})
    assert response.status_code == 200
    form = response.context["form"]
    assert "name" in form.errors and "days" in form.errors
    assert not ApiToken.objects.exists()


@pytest.mark.parametrize(
    ("header", "detail"),
    [
        ("Bearer cxzy_not-a-real-token", "令牌无效"),
        ("Bearer", "Authorization 请求头格式"),
        ("Bearer a b", "Authorization 请求头格式"),
    ],
)
def test_unknown_or_malformed_tokens_answer_401(world, api, header, detail):
    client = api()
    client.credentials(HTTP_AUTHORIZATION=header)
    response = client.get("/api/v1/me/")
    assert response.status_code == 401
    body = problem(response)
    assert body["status"] == 401 and body["title"] == "认证失败" and detail in body["detail"]
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_no_credentials_answer_401_with_a_problem(world, api):
    response = api().get("/api/v1/organizations/")
    assert response.status_code == 401
    assert problem(response)["title"] == "未认证"


def test_expired_token_answers_401(dept, api):
    token, secret = create_token(dept, name="过期")
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    response = api(dept, token=secret).get("/api/v1/me/")
    assert response.status_code == 401 and problem(response)["detail"] == "令牌已过期"


def test_revoked_on_the_page_answers_401_at_once(dept, login, api):
    token, secret = create_token(dept, name="撤销")
    client = api(dept, token=secret)
    assert client.get("/api/v1/me/").status_code == 200
    response = login(dept).post(reverse("api:token_revoke", args=[token.pk]))
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None and token.state_label == "已撤销"
    response = client.get("/api/v1/me/")
    assert response.status_code == 401 and problem(response)["detail"] == "令牌已撤销"


def test_nobody_revokes_another_users_token(dept, world, login):
    other = user_with_role(world.county_b, Role.ORG_DEPARTMENT)
    token, _secret = create_token(other, name="别人的")
    assert login(dept).post(reverse("api:token_revoke", args=[token.pk])).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_a_disabled_account_answers_401(dept, api):
    token, secret = create_token(dept, name="停用")
    dept.is_active = False
    dept.save(update_fields=["is_active"])
    response = api(dept, token=secret).get("/api/v1/me/")
    assert response.status_code == 401 and problem(response)["detail"] == "账号已停用"


def test_a_token_of_a_user_who_lost_the_role_loses_access(world, dept, api):
    token, secret = create_token(dept, name="角色收回")
    client = api(dept, token=secret)
    member_url = f"/api/v1/members/{world.member_a.pk}/"
    assert client.get(member_url).status_code == 200
    RoleAssignment.objects.filter(user=dept).delete()
    for url in ("/api/v1/me/", "/api/v1/organizations/", member_url):
        response = client.get(url)
        assert response.status_code == 403, url
        assert problem(response)["title"] == "无权操作"
    # a narrower role keeps only the narrower scope: another county's member is 404
    RoleAssignment.objects.create(user=dept, org=world.county_b, role=Role.ORG_DEPARTMENT)
    assert client.get(member_url).status_code == 404


def test_throttled_per_token(dept, api, settings):
    settings.API_THROTTLE_RATE = "3/min"
    first = api(dept)
    for _n in range(3):
        assert first.get("/api/v1/me/").status_code == 200
    response = first.get("/api/v1/me/")
    assert response.status_code == 429
    assert problem(response)["title"] == "请求过于频繁" and int(response["Retry-After"]) >= 1
    # another token of the same user has its own budget
    assert api(dept).get("/api/v1/me/").status_code == 200
