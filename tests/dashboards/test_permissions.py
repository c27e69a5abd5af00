"""The dashboards' permission matrix: every URL × role, with a second subtree (唐山) outside every scope.

anonymous → login; no dashboard role (secretary, member) → 403; another subtree → 404; in scope → 200.
"""

import pytest
from django.urls import reverse

from orgs.enums import Role
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db

ROLES = ["leading_group", "org_department", "sector_supervisor", "secretary", "member"]
DASH = {"leading_group", "org_department", "sector_supervisor"}


@pytest.fixture
def matrix_people(dash):
    return {
        "leading_group": user_with_role(dash.city_a, Role.LEADING_GROUP),
        "org_department": user_with_role(dash.county_a, Role.ORG_DEPARTMENT),
        "sector_supervisor": user_with_role(dash.city_a, Role.SECTOR_SUPERVISOR, sector="rural"),
        "secretary": user_with_role(dash.branch_a, Role.SECRETARY),
        "member": user_with_role(dash.branch_a, Role.MEMBER),
    }


def _urls(dash):
    inside, outside = dash.branch_a.code, dash.city_b.code
    return [
        (
            name,
            reverse(f"dashboards:{name}", args=[inside, *extra]),
            reverse(f"dashboards:{name}", args=[outside, *extra]),
        )
        for name, extra in [
            ("node", ()),
            ("sectors", ()),
            ("lagging", ()),
            ("lagging_xlsx", ()),
            ("list", ("rect_open",)),
            ("list_xlsx", ("rect_open",)),
            ("xlsx", ("all",)),
            ("pdf", ()),
        ]
    ]


@pytest.mark.parametrize("role", ROLES)
def test_matrix(client, login, dash, matrix_people, role):
    for _name, inside, outside in _urls(dash):
        client.logout()
        response = client.get(inside)
        assert response.status_code == 302 and response.url.startswith(reverse("login"))
        login(matrix_people[role])
        if role in DASH:
            assert client.get(inside).status_code == 200, inside
            assert client.get(outside).status_code == 404, outside
        else:
            assert client.get(inside).status_code == 403, inside
            assert client.get(outside).status_code == 403, outside
    login(matrix_people[role])
    expected = 302 if role in {"leading_group", "org_department"} else 403
    assert client.post(reverse("dashboards:refresh")).status_code == expected
    assert client.get(reverse("dashboards:index")).status_code == (302 if role in DASH else 403)
