from django.urls import reverse

from evaluations.models import Period
from orgs.enums import Role
from tests.factories import user_with_role

DATA = {"name": "2013年度", "code": "2013-annual", "start_date": "2013-01-01", "end_date": "2013-12-31"}


def test_seed_periods_are_there(db):
    assert list(
        Period.objects.filter(code__endswith="-annual").order_by("start_date").values_list("name", flat=True)
    ) == ["2010年度", "2011年度", "2012年度（考核评议）"]


def test_province_org_department_opens_a_period(world, login):
    user = user_with_role(world.province, Role.ORG_DEPARTMENT)
    client = login(user)
    assert "设立考核期间" in client.get(reverse("evaluations:period_list")).content.decode()
    response = client.post(reverse("evaluations:period_list"), DATA)
    assert response.status_code == 302
    assert Period.objects.get(code="2013-annual").name == "2013年度"
    assert "2013年度" in client.get(reverse("evaluations:period_list")).content.decode()


def test_bad_dates_and_duplicate_code_are_refused_at_the_field(world, login):
    client = login(user_with_role(world.province, Role.ORG_DEPARTMENT))
    html = client.post(reverse("evaluations:period_list"), dict(DATA, end_date="2012-12-31")).content.decode()
    assert "结束日期不能早于开始日期" in html
    html = client.post(reverse("evaluations:period_list"), dict(DATA, code="2011-annual")).content.decode()
    assert "已存在" in html
    assert not Period.objects.filter(name="2013年度").exists()


def test_only_the_province_opens_periods(world, login):
    county = login(user_with_role(world.county_a, Role.ORG_DEPARTMENT))
    assert "设立考核期间" not in county.get(reverse("evaluations:period_list")).content.decode()
    assert county.post(reverse("evaluations:period_list"), DATA).status_code == 403
    secretary = login(user_with_role(world.branch_a, Role.SECRETARY))
    assert secretary.get(reverse("evaluations:period_list")).status_code == 200
    assert secretary.post(reverse("evaluations:period_list"), DATA).status_code == 403
    assert not Period.objects.filter(code="2013-annual").exists()


def test_anonymous_goes_to_login(client, db):
    assert client.get(reverse("evaluations:period_list")).status_code == 302
