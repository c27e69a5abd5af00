"""The admin as a whole (issue 16, item 2): every model of every installed app registered (or exempt with its
reason), each of the project's admins scoped and read-only unless it writes through a service, no page of any
admin answering 500 for a bad id or a bad query string, and the admin's login surviving a failing backend."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.db import connection
from django.urls import reverse
from simple_history.admin import SimpleHistoryAdmin

from common import login_guard
from common.admin_base import ADMIN_EXEMPT, AUTO, GLOBAL, MEMBERS, SUPERUSER_ONLY, PortalAdminMixin
from common.history import has_history, is_history_model, project_models
from orgs.enums import Role
from tests.factories import user_with_role

# Admins that write, and the service each calls (orgs/admin.py). Any other project admin is read-only.
WRITERS = {
    "orgs.Org",
    "orgs.Member",
    "orgs.User",
    "orgs.RoleAssignment",
    "campaign.ActivityRecord",
    "campaign.Commitment",
    "awards.BasicCommendation",
}


def registered(model) -> bool:
    return admin.site.is_registered(model)


def test_every_model_is_in_the_admin_or_exempt_with_a_reason():
    missing = sorted(
        model._meta.label
        for model in apps.get_models()
        if not is_history_model(model) and not registered(model) and model._meta.label not in ADMIN_EXEMPT
    )
    assert missing == [], "register these models (common.admin_base.register_app) or exempt them with a reason"
    labels = {model._meta.label: model for model in apps.get_models()}
    stale = sorted(label for label in ADMIN_EXEMPT if label not in labels or registered(labels[label]))
    assert stale == []
    assert all(len(reason) > 20 for reason in ADMIN_EXEMPT.values())


def test_every_history_is_shown_on_its_records_page():
    """The generated Historical… models are not registered: each is the 历史 page of its record's admin."""
    for model in apps.get_models():
        if is_history_model(model) and not model.instance_type._meta.auto_created:  # m2m history: its owner's page
            assert isinstance(admin.site._registry[model.instance_type], SimpleHistoryAdmin), model._meta.label
    for model in project_models():
        if has_history(model):
            assert isinstance(admin.site._registry[model], SimpleHistoryAdmin), model._meta.label


def test_every_project_admin_is_scoped_and_read_only_unless_it_calls_a_service(rf, admin_user):
    """A project model's admin decides its scope (a path to the organization, every row, or the superuser's
    alone) and deletes nothing; only the admins in WRITERS change rows (through their services)."""
    request = rf.get("/admin/")
    request.user = admin_user
    for model in project_models() + [apps.get_model("admin", "LogEntry")]:
        model_admin = admin.site._registry[model]
        label = model._meta.label
        assert isinstance(model_admin, PortalAdminMixin), label
        scope = model_admin.data_scope()
        assert scope != AUTO, label
        assert scope in (GLOBAL, MEMBERS, SUPERUSER_ONLY) or scope == "" or scope.endswith("__"), label
        assert not model_admin.has_delete_permission(request) or label == "orgs.RoleAssignment", label
        if label not in WRITERS:
            assert not model_admin.has_add_permission(request), label
            assert not model_admin.has_change_permission(request), label


BAD_IDS = ["abc", "99999999999999999999", "-1", "0", "中文", "1.5"]
BAD_QUERIES = [
    {"o": "abc"},
    {"o": "99"},
    {"p": "abc"},
    {"p": "99999"},
    {"q": "%_\\'\""},
    {"no_such_field": "1"},
    {"id__gte": "not-a-number"},
    {"_to_field": "password"},
    {"e": "1"},
]


# Every bad id and query string on these; one bad id on every other admin (the same base classes).
THOROUGH = {
    "orgs.Member",
    "orgs.Org",
    "orgs.User",
    "campaign.Plan",
    "awards.AwardRound",
    "admin.LogEntry",
    "common.Job",
}


@pytest.fixture
def rows(world, seed_campaign, seed_criteria):
    """A few rows beyond the tree and its members, so that lists and change pages render real values."""
    from tests.factories.awards_nominations import make_round
    from tests.factories.campaign_plans import make_plan

    make_plan(seed_campaign, world.branch_a)
    make_round(world.county_a)
    return world


def first_or_none(model_admin, request):
    return model_admin.get_queryset(request).order_by("pk").first()


@pytest.mark.parametrize("who", ["superuser", "data_manager"])
def test_no_admin_page_answers_500(client, rows, rf, who, django_user_model):
    world = rows
    if who == "superuser":
        user = django_user_model.objects.create_superuser("root", "root@example.com", "pass-1234-word")
    else:
        user = user_with_role(world.county_a, Role.DATA_MANAGER, username="zd_data")
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    request = rf.get("/admin/")
    request.user = user
    failures = []

    def check(url, params=None, allowed=(200, 302, 400, 403, 404)):
        response = client.get(url, params or {})
        if response.status_code not in allowed:
            failures.append((url, params, response.status_code))
        return response

    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        name = f"admin:{opts.app_label}_{opts.model_name}"
        readable = model_admin.has_view_permission(request)
        thorough = opts.label in THOROUGH
        check(reverse(f"{name}_changelist"), allowed=(200,) if readable else (403,))
        for params in BAD_QUERIES if thorough else ():
            check(reverse(f"{name}_changelist"), params)
        for bad in BAD_IDS if thorough else BAD_IDS[:1]:
            for view in ("change", "history", "delete") if thorough else ("change", "history"):
                response = check(reverse(f"{name}_{view}", args=[bad]))
                if isinstance(model_admin, PortalAdminMixin) and response.status_code not in (403, 404):
                    failures.append((view, bad, response.status_code, "expected 404"))
        if not isinstance(model_admin, PortalAdminMixin):
            continue
        row = first_or_none(model_admin, request)
        if row is None or not readable:
            continue
        check(reverse(f"{name}_change", args=[row.pk]), allowed=(200,))
        check(reverse(f"{name}_history", args=[row.pk]), allowed=(200,))
        if isinstance(model_admin, SimpleHistoryAdmin):
            version = getattr(row, opts.simple_history_manager_attribute).first()
            if version is not None:
                check(reverse(f"{name}_simple_history", args=[row.pk, version.history_id]), allowed=(200,))
            for bad in BAD_IDS[:1]:
                response = check(reverse(f"{name}_simple_history", args=[row.pk, bad]))
                if response.status_code != 404:
                    failures.append(("version", bad, response.status_code, "expected 404"))
    assert failures == []


@pytest.mark.django_db(transaction=True)
def test_the_admin_login_answers_503_not_500_when_the_backend_fails(client, world):
    """The admin's login goes through the portal's guarded login (common/login_guard.py): ModelBackend's query
    fails (the accounts' table renamed away), the answer is the Chinese 503, nobody is signed in."""
    username = "zd_admin_login"
    login_guard.clear_fallback(username)
    user_with_role(world.county_a, Role.DATA_MANAGER, username=username)
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE orgs_user RENAME TO orgs_user_away")
    try:
        response = client.post(reverse("admin:login"), {"username": username, "password": "pass-1234-word"})
    finally:
        with connection.cursor() as cursor:
            cursor.execute("ALTER TABLE orgs_user_away RENAME TO orgs_user")
        login_guard.clear_fallback(username)
    assert response.status_code == 503
    assert "登录服务暂不可用，请稍后重试" in response.content.decode()
    assert "_auth_user_id" not in client.session
    # With the table back, the same login works.
    response = client.post(reverse("admin:login"), {"username": username, "password": "pass-1234-word"})
    assert response.status_code == 302
