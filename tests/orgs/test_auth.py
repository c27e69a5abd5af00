"""Login, logout, password change and the django-axes lockout, through the real login POST."""

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.urls import reverse

from orgs import services
from orgs.enums import Role
from tests.factories import user_with_role

PASSWORD = "pass-1234-word"  # tests.factories.UserFactory


@pytest.fixture
def secretary(world):
    return user_with_role(world.branch_a, Role.SECRETARY, username="sec_a", full_name="塔元庄书记")


def login_post(client, username, password, **extra):
    return client.post(reverse("login"), {"username": username, "password": password, **extra})


def logged_in_as(client):
    return client.session.get("_auth_user_id")


def test_login_page_is_chinese(client, db):
    response = client.get(reverse("login"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>登录" in html
    assert "用户名" in html and "密码" in html


def test_login_and_home(client, secretary):
    response = login_post(client, "sec_a", PASSWORD)
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert logged_in_as(client) == str(secretary.pk)
    response = client.get(reverse("home"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("workbench:org", args=["130123100201"])  # a branch secretary
    assert "塔元庄书记" in response.content.decode()


def test_login_follows_next(client, secretary):
    response = login_post(client, "sec_a", PASSWORD, next=reverse("orgs:member_list"))
    assert response["Location"] == reverse("orgs:member_list")


def test_wrong_password_shows_chinese_message(client, secretary):
    response = login_post(client, "sec_a", "wrong-password")
    assert response.status_code == 200
    assert "用户名或密码错误" in response.content.decode()
    assert logged_in_as(client) is None
    assert AccessAttempt.objects.get(username="sec_a").failures_since_start == 1


def test_logout_is_post_only(client, secretary):
    login_post(client, "sec_a", PASSWORD)
    assert client.get(reverse("logout")).status_code == 405
    assert logged_in_as(client) == str(secretary.pk)
    response = client.post(reverse("logout"))
    assert response.status_code == 302 and response["Location"] == reverse("login")
    assert logged_in_as(client) is None
    response = client.get(reverse("orgs:tree"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_password_change_needs_login(client, db):
    response = client.get(reverse("password_change"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_password_change(client, secretary):
    login_post(client, "sec_a", PASSWORD)
    url = reverse("password_change")
    assert "修改密码" in client.get(url).content.decode()

    data = {"old_password": "nope", "new_password1": "Neu-Pass-2010", "new_password2": "Neu-Pass-2010"}
    response = client.post(url, data)
    assert response.context["form"].errors["old_password"] == ["你的旧密码不正确。请重新输入。"]
    assert "你的旧密码不正确。请重新输入。" in response.content.decode()

    data = {"old_password": PASSWORD, "new_password1": "abc12", "new_password2": "abc12"}
    response = client.post(url, data)
    assert "密码长度太短。密码必须包含至少 8 个字符。" in response.context["form"].errors["new_password2"]

    data = {"old_password": PASSWORD, "new_password1": "Neu-Pass-2010", "new_password2": "Neu-Pass-2011"}
    response = client.post(url, data)
    assert response.context["form"].errors["new_password2"] == ["输入的两个密码不一致。"]

    data = {"old_password": PASSWORD, "new_password1": "Neu-Pass-2010", "new_password2": "Neu-Pass-2010"}
    response = client.post(url, data, follow=True)
    assert response.redirect_chain[-1][0] == reverse("password_change_done")
    assert "密码已修改" in response.content.decode()
    assert logged_in_as(client) == str(secretary.pk)  # still logged in after the change

    client.post(reverse("logout"))
    assert login_post(client, "sec_a", PASSWORD).status_code == 200
    assert login_post(client, "sec_a", "Neu-Pass-2010").status_code == 302


def lock_out(client, username):
    return [login_post(client, username, f"wrong-{n}") for n in range(settings.AXES_FAILURE_LIMIT)]


def test_lockout_after_repeated_failures(client, secretary):
    limit = settings.AXES_FAILURE_LIMIT
    responses = lock_out(client, "sec_a")
    assert [r.status_code for r in responses[:-1]] == [200] * (limit - 1)
    locked = responses[-1]
    assert locked.status_code == 429
    html = locked.content.decode()
    assert "账号已暂时锁定" in html
    assert f"登录失败次数过多（连续 {limit} 次）" in html
    assert "锁定期间即使输入正确的密码也无法登录" in html
    assert "请在 30 分钟后再试，或联系本级组织部门重置密码。" in html

    # the right password is refused while locked
    response = login_post(client, "sec_a", PASSWORD)
    assert response.status_code == 429
    assert "账号已暂时锁定" in response.content.decode()
    assert logged_in_as(client) is None
    assert client.get(reverse("orgs:tree")).status_code == 302


def test_lockout_is_per_account(client, world, secretary):
    other = user_with_role(world.branch_a2, Role.SECRETARY, username="sec_a2")
    lock_out(client, "sec_a")
    response = login_post(client, "sec_a2", PASSWORD)
    assert response.status_code == 302
    assert logged_in_as(client) == str(other.pk)


def test_success_before_limit_resets_the_count(client, secretary):
    for n in range(settings.AXES_FAILURE_LIMIT - 1):
        login_post(client, "sec_a", f"wrong-{n}")
    assert login_post(client, "sec_a", PASSWORD).status_code == 302
    client.post(reverse("logout"))
    assert login_post(client, "sec_a", "wrong-again").status_code == 200


def test_password_reset_by_org_department_lifts_the_lockout(
    client, world, secretary, django_capture_on_commit_callbacks
):
    manager = user_with_role(world.county_a, Role.ORG_DEPARTMENT, username="mgr_a")
    lock_out(client, "sec_a")
    assert login_post(client, "sec_a", PASSWORD).status_code == 429

    with django_capture_on_commit_callbacks(execute=True):
        services.reset_password(secretary, "Neu-Pass-2010", by=manager)
    assert not AccessAttempt.objects.filter(username="sec_a").exists()
    response = login_post(client, "sec_a", "Neu-Pass-2010")
    assert response.status_code == 302
    assert logged_in_as(client) == str(secretary.pk)


def test_inactive_account_cannot_log_in(client, secretary):
    secretary.is_active = False
    secretary.save(update_fields=["is_active"])
    response = login_post(client, "sec_a", PASSWORD)
    assert response.status_code == 200
    assert "用户名或密码错误" in response.content.decode()
    assert logged_in_as(client) is None
