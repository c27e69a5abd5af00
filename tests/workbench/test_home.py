"""Where the home page sends each user, the login landing, and the two navigation entries."""

import re

import pytest
from django.urls import reverse

from orgs.enums import Role
from orgs.models import RoleAssignment
from tests.factories import MemberFactory, UserFactory, make_org, user_with_role

NAV = re.compile(r'<nav class="navbar.*?</nav>', re.S)


def home(client):
    return client.get(reverse("home"))


def test_secretary_of_one_branch_lands_on_its_workbench(world, people, login):
    response = home(login(people.secretary))
    assert response.status_code == 302
    assert response["Location"] == reverse("workbench:org", args=[world.branch_a.code])


def test_secretary_of_two_branches_chooses(world, people, login):
    RoleAssignment.objects.create(user=people.secretary, org=world.branch_a2, role=Role.SECRETARY)
    client = login(people.secretary)
    response = home(client)
    assert response["Location"] == reverse("workbench:index")
    page = client.get(reverse("workbench:index"))
    html = page.content.decode()
    assert page.status_code == 200
    assert "塔元庄村党支部" in html and "正定镇中学党支部" in html and "滦州村党支部" not in html
    assert reverse("workbench:org", args=[world.branch_a2.code]) in html


def test_one_branch_index_goes_straight_to_it(world, people, login):
    response = login(people.secretary).get(reverse("workbench:index"))
    assert response["Location"] == reverse("workbench:org", args=[world.branch_a.code])


def test_secretary_who_is_also_org_department_still_starts_at_the_workbench(world, people, login):
    RoleAssignment.objects.create(user=people.secretary, org=world.county_a, role=Role.ORG_DEPARTMENT)
    assert home(login(people.secretary))["Location"] == reverse("workbench:org", args=[world.branch_a.code])


@pytest.mark.parametrize("who", ["member", "record_only"])
def test_member_lands_on_me(world, people, login, who):
    user = people.member
    if who == "record_only":  # a member record and no role at all
        user = UserFactory(member=MemberFactory(org=world.branch_a, name="赵小兰"))
    assert home(login(user))["Location"] == reverse("workbench:me")


def test_member_with_another_role_goes_to_that_roles_start(world, people, login):
    RoleAssignment.objects.create(user=people.member, org=world.county_a, role=Role.LEADING_GROUP)
    assert home(login(people.member))["Location"] == reverse("dashboards:index")
    RoleAssignment.objects.create(user=people.member, org=world.county_a, role=Role.DATA_MANAGER)
    assert home(login(people.member))["Location"] == reverse("orgs:tree")  # two kinds of work: the tree
    RoleAssignment.objects.create(user=people.member, org=world.county_a, role=Role.ORG_DEPARTMENT)
    assert home(login(people.member))["Location"] == reverse("workbench:department")


def test_leading_group_and_sector_supervisor_start_on_the_dashboard(world, people, login):
    """领导小组 follows the campaign on the dashboard; so does a 行业主管部门 (its own sector's)."""
    response = home(login(people.leader))
    assert response["Location"] == reverse("dashboards:index")
    supervisor = user_with_role(world.province, Role.SECTOR_SUPERVISOR, sector="rural", username="home_sector")
    assert home(login(supervisor))["Location"] == reverse("dashboards:index")
    assert login(people.leader).get(response["Location"], follow=True).status_code == 200


def test_data_manager_starts_on_data_management(world, login):
    manager = user_with_role(world.county_a, Role.DATA_MANAGER, username="home_data")
    response = home(login(manager))
    assert response["Location"] == reverse("admin:index")
    assert login(manager).get(response["Location"]).status_code == 200


@pytest.mark.parametrize("name", ["town_secretary"])
def test_other_roles_go_to_the_tree(people, login, name):
    """A township committee's secretary is not a basic organization's: the tree, as before. (An organization
    department starts on 组织部工作台 since it exists: tests/workbench/test_department.py.)"""
    assert home(login(getattr(people, name)))["Location"] == reverse("orgs:tree")


def test_nobody_sees_the_no_role_page(people, login):
    response = home(login(people.nobody))
    assert response.status_code == 403
    assert "尚未授权" in response.content.decode()


def test_basic_committee_secretary_gets_the_workbench(world, login):
    """A basic-level 党委 (not only a 支部) is a basic organization."""
    committee = make_org(world.town_a, kind="dw", code="130123100300", name="正定镇企业党委")
    user = user_with_role(committee, Role.SECRETARY)
    assert home(login(user))["Location"] == reverse("workbench:org", args=[committee.code])


def test_login_lands_on_the_workbench(world, people, client):
    """The login form's POST goes home, and home goes to the workbench (no next= needed)."""
    response = client.post(reverse("login"), {"username": "wb_sec_a", "password": "pass-1234-word"}, follow=True)
    assert response.redirect_chain[0][0] == reverse("home")
    assert response.redirect_chain[-1][0] == reverse("workbench:org", args=[world.branch_a.code])
    assert "我的工作台" in response.content.decode()


def test_navigation_entries_by_role(world, people, login):
    def nav(user):
        return NAV.search(login(user).get(reverse("orgs:tree")).content.decode()).group(0)

    secretary = nav(people.secretary)
    assert f'href="{reverse("workbench:index")}"' in secretary and "我的工作台" in secretary
    assert "我的创先争优" not in secretary
    member = nav(people.member)
    assert f'href="{reverse("workbench:me")}"' in member and "我的创先争优" in member
    assert "我的工作台" not in member
    for other in (people.town_secretary, people.dept_county, people.leader):
        html = nav(other)
        assert "我的工作台" not in html and "我的创先争优" not in html


def test_the_masses_link_only_for_those_the_page_lets_in(world, people, login):
    """联系服务群众 is in the menu of a secretary and of a member (his contact households), not of a 数据管理员,
    whom the page refuses (403): no link to a page that refuses its reader."""
    masses = f'href="{reverse("masswork:masses")}"'
    manager = user_with_role(world.county_a, Role.DATA_MANAGER, username="nav_data")
    for user, shown in ((people.secretary, True), (people.member, True), (manager, False)):
        client = login(user)
        assert (masses in NAV.search(client.get(reverse("orgs:tree")).content.decode()).group(0)) is shown
        assert client.get(reverse("masswork:masses")).status_code == (200 if shown else 403)
