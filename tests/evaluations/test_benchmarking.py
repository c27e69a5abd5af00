"""对标定位: designating exemplars is org_department's act at province, city or county; organizations
and members benchmark against exemplars above them; measures, progress and the overdue list."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from evaluations.models import Benchmark, CatchUpMeasure, Exemplar, MeasureProgress
from evaluations.services import benchmarking as services
from orgs.enums import Role
from tests.factories import UserFactory, member_user, user_with_role
from tests.factories.evaluations_mass import make_benchmark, make_exemplar

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def test_designation_is_org_departments_act_at_province_city_or_county(world, login):
    county = user_with_role(world.county_a, Role.ORG_DEPARTMENT)
    exemplar = services.designate_exemplar(
        by=county, designated_by_org=world.county_a, kind="site", org=world.branch_a, profile="三有一化"
    )
    assert (exemplar.level, exemplar.sector, exemplar.org_path) == ("county", "rural", world.branch_a.path)
    # outside its subtree
    with pytest.raises(ValidationError):
        services.designate_exemplar(
            by=user_with_role(world.city_a, Role.ORG_DEPARTMENT),
            designated_by_org=world.city_a,
            kind="site",
            org=world.branch_b,
            profile="x",
        )
    # not org_department / not covering the designating committee
    for user in (
        user_with_role(world.county_a, Role.LEADING_GROUP),
        user_with_role(world.branch_a, Role.SECRETARY),
        user_with_role(world.county_b, Role.ORG_DEPARTMENT),
    ):
        with pytest.raises(PermissionDenied):
            services.designate_exemplar(
                by=user, designated_by_org=world.county_a, kind="site", org=world.branch_a, profile="x"
            )
    # a township is no designating level
    with pytest.raises(ValidationError):
        services.designate_exemplar(
            by=user_with_role(world.town_a, Role.ORG_DEPARTMENT),
            designated_by_org=world.town_a,
            kind="site",
            org=world.branch_a,
            profile="x",
        )
    # a 示范点 is an organization, never a member
    with pytest.raises(ValidationError):
        services.designate_exemplar(
            by=county, designated_by_org=world.county_a, kind="site", member=world.member_a, profile="x"
        )
    person = services.designate_exemplar(
        by=county, designated_by_org=world.county_a, kind="model", member=world.member_a, profile="带头致富"
    )
    assert person.org is None and person.org_path == world.member_a.org_path


def test_designation_pages(world, login):
    url = reverse("evaluations:exemplar_create")
    assert login(user_with_role(world.branch_a, Role.SECRETARY)).get(url).status_code == 403
    assert login(user_with_role(world.town_a, Role.ORG_DEPARTMENT)).get(url).status_code == 403
    client = login(user_with_role(world.county_a, Role.ORG_DEPARTMENT))
    assert client.get(url).status_code == 200
    base = {"designated_by_org": world.county_a.pk, "kind": "site", "org_code": world.branch_a.code, "profile": "经验"}
    bad = client.post(url, {**base, "org_code": world.branch_b.code}).content.decode()
    assert "不在您的管理范围内" in bad
    bad = client.post(url, {**base, "member": "张建国"}).content.decode()
    assert "示范点是基层组织，不能是党员个人" in bad
    bad = client.post(url, {**base, "kind": "model", "member": "无此人"}).content.decode()
    assert "中没有党员“无此人”" in bad
    assert Exemplar.objects.count() == 0
    response = client.post(url, {**base, "kind": "model", "member": world.member_a.id_number})
    exemplar = Exemplar.objects.get()
    assert response["Location"] == reverse("evaluations:exemplar_detail", args=[exemplar.pk])
    assert exemplar.member == world.member_a and exemplar.designated_by_org == world.county_a
    edit = reverse("evaluations:exemplar_edit", args=[exemplar.pk])
    assert client.post(edit, {"profile": "新事迹"}).status_code == 302
    exemplar.refresh_from_db()
    assert exemplar.profile == "新事迹" and exemplar.active is False
    # the city's org_department covers the county: it may edit the county's designation …
    city = login(user_with_role(world.city_a, Role.ORG_DEPARTMENT))
    assert city.get(edit).status_code == 200
    # … a county secretary reads it, cannot edit; another city never sees it
    assert login(user_with_role(world.branch_a, Role.SECRETARY)).get(edit).status_code == 403
    assert login(user_with_role(world.city_b, Role.ORG_DEPARTMENT)).get(edit).status_code == 404


def test_exemplar_visibility(world, login):
    province = make_exemplar(world.province, org=world.branch_b, profile="省级示范点")
    own_county = make_exemplar(world.county_a, org=world.branch_a2, profile="县级示范点")
    other_city = make_exemplar(world.city_b, org=world.branch_b, profile="唐山示范点")
    html = login(user_with_role(world.branch_a, Role.SECRETARY)).get(reverse("evaluations:exemplar_list"))
    html = html.content.decode()
    assert "滦州村党支部" in html and "正定镇中学党支部" in html  # the province's and the county's
    assert html.count("滦州村党支部") == 1  # the city_b designation stays in city_b
    client = login(user_with_role(world.branch_a, Role.SECRETARY))
    assert client.get(reverse("evaluations:exemplar_detail", args=[other_city.pk])).status_code == 404
    assert client.get(reverse("evaluations:exemplar_detail", args=[province.pk])).status_code == 200
    assert client.get(reverse("evaluations:exemplar_detail", args=[own_county.pk])).status_code == 200


def test_benchmark_measures_progress_and_overdue(world, login):
    exemplar = make_exemplar(world.county_a, org=world.branch_a2, profile="县级示范点")
    foreign = make_exemplar(world.city_b, org=world.branch_b)
    secretary = user_with_role(world.branch_a, Role.SECRETARY)
    client = login(secretary)
    url = reverse("evaluations:benchmark_create")
    page = client.get(url, {"exemplar": exemplar.pk}).content.decode()
    assert "塔元庄村党支部" in page and "正定镇中学党支部" in page and "滦州村党支部" not in page
    bad = client.post(url, {"subject": world.branch_a.code, "exemplar": foreign.pk, "gaps": "差距"})
    assert bad.status_code == 200 and Benchmark.objects.count() == 0
    bad = client.post(url, {"subject": world.branch_a2.code, "exemplar": exemplar.pk, "gaps": "差距"})
    assert bad.status_code == 200 and Benchmark.objects.count() == 0  # not this secretary's org
    response = client.post(
        url, {"subject": world.branch_a.code, "exemplar": exemplar.pk, "gaps": "党员联系群众不经常", "direction": "学"}
    )
    benchmark = Benchmark.objects.get()
    assert response["Location"] == reverse("evaluations:benchmark_detail", args=[benchmark.pk])
    assert benchmark.org == world.branch_a and benchmark.member is None

    measures = reverse("evaluations:measure_create", args=[benchmark.pk])
    bad = client.post(measures, {"content": "", "deadline": "2030-01-01"})
    assert bad.status_code == 400 and "这个字段是必填项" in bad.content.decode()
    past = TODAY() - datetime.timedelta(days=3)
    client.post(measures, {"content": "每月走访群众", "deadline": past.isoformat()})
    client.post(
        measures, {"content": "建立党员责任区", "deadline": (TODAY() + datetime.timedelta(days=30)).isoformat()}
    )
    overdue_measure = CatchUpMeasure.objects.get(content="每月走访群众")

    progress = reverse("evaluations:measure_progress", args=[overdue_measure.pk])
    bad = client.post(progress, {"date": TODAY().isoformat(), "percent": 120, "note": "x"})
    assert bad.status_code == 400 and "确保该值小于或等于100" in bad.content.decode()
    future = client.post(
        progress, {"date": (TODAY() + datetime.timedelta(days=1)).isoformat(), "percent": 10, "note": "x"}
    )
    assert "进展日期不能晚于今天" in future.content.decode()
    client.post(progress, {"date": TODAY().isoformat(), "percent": 40, "note": "走访了12户"})
    overdue_measure.refresh_from_db()
    assert overdue_measure.percent == 40 and MeasureProgress.objects.count() == 1

    # the overdue list: the county sees it, the other city does not
    county_user = user_with_role(world.county_a, Role.ORG_DEPARTMENT)
    county = login(county_user)
    html = county.get(reverse("evaluations:measure_overdue")).content.decode()
    assert "每月走访群众" in html and "建立党员责任区" not in html and "40%" in html
    assert (
        "每月走访群众"
        not in login(user_with_role(world.city_b, Role.ORG_DEPARTMENT))
        .get(reverse("evaluations:measure_overdue"))
        .content.decode()
    )
    # the county reads the benchmark but cannot add to it
    login(county_user)
    assert county.get(reverse("evaluations:benchmark_detail", args=[benchmark.pk])).status_code == 200
    assert county.post(measures, {"content": "x", "deadline": "2030-01-01"}).status_code == 403

    login(secretary)
    client.post(progress, {"date": TODAY().isoformat(), "percent": 100, "note": "完成"})
    login(county_user)
    assert "每月走访群众" not in county.get(reverse("evaluations:measure_overdue")).content.decode()


def test_a_member_benchmarks_itself(world, login):
    model = make_exemplar(world.county_a, member=world.member_a2, kind="model", profile="爱岗敬业")
    user = member_user(world.member_a)
    client = login(user)
    url = reverse("evaluations:benchmark_create")
    page = client.get(url).content.decode()
    assert "本人（张建国）" in page and "李秀英" in page
    client.post(url, {"subject": "me", "exemplar": model.pk, "gaps": "学习不够"})
    benchmark = Benchmark.objects.get()
    assert benchmark.member == world.member_a and benchmark.org == world.branch_a
    detail = reverse("evaluations:benchmark_detail", args=[benchmark.pk])
    assert client.get(detail).status_code == 200
    # another member never sees it; the branch secretary reads it but the member's own measures are its own
    assert login(member_user(world.member_a2)).get(detail).status_code == 404
    secretary = login(user_with_role(world.branch_a, Role.SECRETARY))
    assert secretary.get(detail).status_code == 200
    assert secretary.post(reverse("evaluations:measure_create", args=[benchmark.pk]), {}).status_code == 403
    # self as exemplar is refused
    other = world.member_a2.user
    with pytest.raises(ValidationError):
        services.create_benchmark(by=other, exemplar=model, member=world.member_a2, gaps="x")
    # an account without a member record or a role cannot benchmark
    assert login(UserFactory()).get(url).status_code == 403


def test_inactive_exemplars_cannot_be_picked(world):
    exemplar = make_exemplar(world.county_a, org=world.branch_a2, active=False)
    with pytest.raises(ValidationError):
        services.create_benchmark(
            by=user_with_role(world.branch_a, Role.SECRETARY), exemplar=exemplar, org=world.branch_a, gaps="x"
        )
    make_benchmark(make_exemplar(world.county_a, org=world.branch_a2), org=world.branch_a)
