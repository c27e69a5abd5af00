"""The permission matrix: every URL × role, always with a second subtree present.

anonymous → login redirect; another subtree → 404; wrong role in scope → 403;
right role → 200 and the right rows.
"""

import pytest
from django.urls import reverse

from orgs.enums import Role
from tests.factories import user_with_role

ROLES = ["leading_group", "org_department", "sector_supervisor", "secretary", "member"]
READERS = {"leading_group", "org_department", "sector_supervisor", "secretary"}
MANAGERS = {"org_department"}


@pytest.fixture
def people(world):
    """One user per role, each scoped so that city B (唐山) is outside every scope."""
    return {
        "leading_group": user_with_role(world.city_a, Role.LEADING_GROUP),
        "org_department": user_with_role(world.county_a, Role.ORG_DEPARTMENT),
        "sector_supervisor": user_with_role(world.city_a, Role.SECTOR_SUPERVISOR, sector="rural"),
        "secretary": user_with_role(world.branch_a, Role.SECRETARY),
        "member": user_with_role(world.branch_a, Role.MEMBER),
    }


def _urls(world, people):
    """(name, method, in-scope url, other-subtree url or None, roles allowed)."""
    a, b = world.member_a, world.member_b
    other_user = user_with_role(world.county_b, Role.SECRETARY)
    own_user = user_with_role(world.branch_a2, Role.SECRETARY)
    return [
        ("tree", "get", reverse("orgs:tree"), None, set(ROLES)),
        (
            "org_detail",
            "get",
            reverse("orgs:org_detail", args=[world.branch_a.code]),
            reverse("orgs:org_detail", args=[world.branch_b.code]),
            set(ROLES),
        ),
        (
            "org_children",
            "get",
            reverse("orgs:org_children", args=[world.branch_a.code]),
            reverse("orgs:org_children", args=[world.branch_b.code]),
            set(ROLES),
        ),
        (
            "org_edit",
            "get",
            reverse("orgs:org_edit", args=[world.branch_a.code]),
            reverse("orgs:org_edit", args=[world.branch_b.code]),
            MANAGERS,
        ),
        (
            "org_add",
            "get",
            reverse("orgs:org_add", args=[world.branch_a.code]),
            reverse("orgs:org_add", args=[world.branch_b.code]),
            MANAGERS,
        ),
        ("member_list", "get", reverse("orgs:member_list"), None, READERS),
        (
            "member_detail",
            "get",
            reverse("orgs:member_detail", args=[a.pk]),
            reverse("orgs:member_detail", args=[b.pk]),
            READERS,
        ),
        (
            "member_edit",
            "get",
            reverse("orgs:member_edit", args=[a.pk]),
            reverse("orgs:member_edit", args=[b.pk]),
            MANAGERS,
        ),
        (
            "member_transfer",
            "get",
            reverse("orgs:member_transfer", args=[a.pk]),
            reverse("orgs:member_transfer", args=[b.pk]),
            MANAGERS,
        ),
        (
            "member_id_number",
            "post",
            reverse("orgs:member_id_number", args=[a.pk]),
            reverse("orgs:member_id_number", args=[b.pk]),
            MANAGERS,
        ),
        ("member_create", "get", reverse("orgs:member_create"), None, MANAGERS),
        ("import_list", "get", reverse("orgs:import_list"), None, MANAGERS),
        ("import_template", "get", reverse("orgs:import_template", args=["members", "xlsx"]), None, MANAGERS),
        ("export_members", "get", reverse("orgs:export", args=["members"]), None, MANAGERS),
        ("export_orgs", "get", reverse("orgs:export", args=["orgs"]), None, MANAGERS),
        ("user_list", "get", reverse("orgs:user_list"), None, MANAGERS),
        ("user_create", "get", reverse("orgs:user_create"), None, MANAGERS),
        (
            "user_detail",
            "get",
            reverse("orgs:user_detail", args=[own_user.pk]),
            reverse("orgs:user_detail", args=[other_user.pk]),
            MANAGERS,
        ),
    ]


def test_anonymous_is_sent_to_login(client, world, people):
    for name, method, url, _other, _allowed in _urls(world, people):
        response = getattr(client, method)(url)
        assert response.status_code == 302, name
        assert response.url.startswith(reverse("login")), name


@pytest.mark.parametrize("role", ROLES)
def test_matrix(role, world, people, login):
    client = login(people[role])
    for name, method, url, other, allowed in _urls(world, people):
        response = getattr(client, method)(url)
        expected = 200 if role in allowed else 403
        assert response.status_code == expected, (name, role, response.status_code)
        if other is not None:
            response = getattr(client, method)(other)
            # Outside the scope: 404 whatever the role, so nothing confirms the object exists.
            # (Account pages are for org_department only: other roles are refused before any lookup.)
            expected = 404 if role in allowed or not name.startswith("user_") else 403
            assert response.status_code == expected, (name, role, "other subtree", response.status_code)


@pytest.mark.parametrize("role", sorted(READERS))
def test_member_list_shows_only_own_subtree(role, world, people, login):
    html = login(people[role]).get(reverse("orgs:member_list")).content.decode()
    assert "张建国" in html
    assert "王志强" not in html  # city B
    if role in ("sector_supervisor", "secretary"):
        assert "李秀英" not in html  # a school branch: another sector / another branch
    else:
        assert "李秀英" in html


def test_sector_supervisor_sees_only_its_sector(world, people, login):
    client = login(people["sector_supervisor"])
    assert client.get(reverse("orgs:org_detail", args=[world.branch_a.code])).status_code == 200
    assert client.get(reverse("orgs:org_detail", args=[world.branch_a2.code])).status_code == 404
    assert client.get(reverse("orgs:member_detail", args=[world.member_a2.pk])).status_code == 404
    # territorial committees stay visible for navigation
    assert client.get(reverse("orgs:org_detail", args=[world.town_a.code])).status_code == 200


def test_tree_shows_only_own_subtree(world, people, login):
    html = login(people["leading_group"]).get(reverse("orgs:tree")).content.decode()
    assert "石家庄市" in html
    assert "唐山市" not in html
    assert "河北省" not in html
    children = login(people["leading_group"]).get(reverse("orgs:org_children", args=[world.city_a.code]))
    assert "正定县" in children.content.decode()
