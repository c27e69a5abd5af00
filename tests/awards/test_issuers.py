"""Document numbers belong to their issuer (机关代字 per committee, unique per issuer and year), issuer names
are the committee's own at every level, and the annex groups under the superior one level below the issuer."""

import datetime
import io

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from awards.models import Decision, IssuerPrefix
from awards.services import documents as services
from orgs.enums import OrgKind, OrgLevel, Role
from orgs.models import Org
from tests.factories import make_org, user_with_role
from tests.factories.awards_documents import approve_member, approve_org, make_decision, make_round

D = datetime.date
pytestmark = pytest.mark.django_db


@pytest.fixture
def people(world):
    class People:
        province = user_with_role(world.province, Role.ORG_DEPARTMENT)
        city = user_with_role(world.city_a, Role.ORG_DEPARTMENT)
        city_b = user_with_role(world.city_b, Role.ORG_DEPARTMENT)
        county = user_with_role(world.county_a, Role.ORG_DEPARTMENT)
        county_lead = user_with_role(world.county_a, Role.LEADING_GROUP)

    return People


def county_round(world, code="zd-2011"):
    """正定县委's round decided in 2011."""
    return make_round(world.county_a, code=code, today=D(2011, 5, 20), name="正定县集中表彰")


def decision_data(**overrides):
    return {
        "masthead": "中共正定县委文件",
        "doc_number": "正组〔2011〕3号",
        "issuing_body": "中共正定县委",
        "title": "中共正定县委关于表彰全县创先争优活动先进基层党组织的决定",
        "addressee": "",
        "body": "正文",
        "attachment_title": "名单",
        "signed_on": "2011-06-28",
        **overrides,
    }


@pytest.mark.parametrize(
    ("level", "name", "issuer"),
    [
        (OrgLevel.PROVINCE, "河北省", "中共河北省委"),
        (OrgLevel.PROVINCE, "河北省委", "中共河北省委"),
        (OrgLevel.CITY, "石家庄市", "中共石家庄市委"),
        (OrgLevel.CITY, "石家庄市委", "中共石家庄市委"),
        (OrgLevel.COUNTY, "正定县", "中共正定县委"),
        (OrgLevel.COUNTY, "正定县委", "中共正定县委"),
        (OrgLevel.COUNTY, "中共正定县委", "中共正定县委"),
        (OrgLevel.TOWNSHIP, "正定镇", "中共正定镇委"),
        (OrgLevel.TOWNSHIP, "正定镇党委", "中共正定镇委"),
        (OrgLevel.TOWNSHIP, "长安街道党工委", "中共长安街道工委"),
        (OrgLevel.CITY, "省国资委党委", "中共省国资委党委"),
    ],
)
def test_issuer_names_at_every_level_never_double_the_wei(level, name, issuer):
    assert services.issuing_body_for(Org(name=name, level=level)) == issuer


def test_the_first_draft_of_a_committee_named_like_the_generated_tree(world):
    """The province-scale data names its nodes 河北省委, 石家庄市委, 正定县委: the draft never says …委委."""
    for org, name in ((world.province, "河北省委"), (world.city_a, "石家庄市委"), (world.county_a, "正定县委")):
        Org.objects.filter(pk=org.pk).update(name=name)
    world.county_a.refresh_from_db()
    values = services.initial_values(make_round(world.county_a, code="zd-draft"))
    assert values["masthead"] == "中共正定县委文件" and values["issuing_body"] == "中共正定县委"
    assert values["title"].startswith("中共正定县委关于表彰全县创先争优活动")
    assert "中共正定县委决定" in values["body"]
    assert not any("委委" in str(v) for v in values.values())


def test_default_prefixes_and_a_changed_one(world, people):
    assert [services.default_prefix(o) for o in (world.province, world.city_a, world.county_a)] == ["冀", "石", "正"]
    assert services.default_prefix(Org(name="河北省委", level=OrgLevel.PROVINCE)) == "冀"
    services.set_issuer_prefix(world.county_a, by=people.county, prefix="正定")
    assert services.issuer_prefix(world.county_a) == "正定"
    row = IssuerPrefix.objects.get(org=world.county_a)
    assert row.history.first().history_user == people.county


def test_a_county_decision_takes_the_countys_prefix_not_the_provinces(world, people, login):
    r = county_round(world)
    client = login(people.county)
    url = reverse("awards:decision_edit", args=[r.code])
    page = client.get(url)
    assert "正创组〔2011〕1号" in page.text  # the next free number proposed
    assert "中共正定县委" in page.text and "委委" not in page.text
    response = client.post(url, decision_data(doc_number="冀创组〔2011〕8号"))
    assert response.status_code == 200
    assert (
        "发文字号应以中共正定县委的机关代字“正”开头（如“正创组〔2011〕8号”）：文号属于发文机关，"
        "不能使用其他机关的代字“冀创组”"
    ) in response.text
    response = client.post(url, decision_data(doc_number="正组[2011]3号"))
    assert "发文字号格式应为“正创组〔2011〕8号”" in response.text
    assert not Decision.objects.exists()
    assert client.post(url, decision_data()).status_code == 302
    decision = Decision.objects.get()
    assert (decision.doc_number, decision.issuer_org, decision.doc_year, decision.doc_serial) == (
        "正组〔2011〕3号",
        world.county_a,
        2011,
        3,
    )


def test_numbers_are_unique_per_issuer_and_year(world, people, login):
    first = county_round(world, "zd-1")
    services.save_decision(first, by=people.county, **{**decision_data(), "signed_on": D(2011, 6, 28)})
    second = county_round(world, "zd-2")
    client = login(people.county)
    url = reverse("awards:decision_edit", args=[second.code])
    assert "正组〔2011〕4号" in client.get(url).text  # continues the issuer's series
    response = client.post(url, decision_data(doc_number="正发〔2011〕3号"))
    assert (
        "中共正定县委 2011 年的第 3 号文号已被“中共正定县委关于表彰全县创先争优活动先进基层党组织的决定”使用："
        "同一发文机关同一年的文号不能重复，下一个可用文号是 正组〔2011〕4号"
    ) in response.text
    assert Decision.objects.count() == 1
    assert client.post(url, decision_data(doc_number="正组〔2012〕3号")).status_code == 302  # another year
    # Another issuer may use the same serial in the same year.
    city_round = make_round(world.city_a, code="sjz", today=D(2011, 5, 20))
    services.save_decision(
        city_round, by=people.city, **{**decision_data(doc_number="石创组〔2011〕3号"), "signed_on": D(2011, 6, 28)}
    )
    # The database holds the rule too.
    third = county_round(world, "zd-3")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_decision(third, doc_number="正办〔2011〕3号")


def test_the_annex_groups_under_the_superior_below_the_issuer(world, people):
    own = make_org(world.county_a, code="130123001", name="正定县机关党委", kind=OrgKind.COMMITTEE)
    r = county_round(world)
    approve_member(r, world.branch_a, name="张县表")
    approve_org(r, own)
    approve_org(r, world.branch_a2)
    rows = services.list_rows(r)
    assert [(row["city"], row["name"]) for row in rows] == [
        ("正定县", "正定县机关党委"),  # directly under the county: under the county itself
        ("正定镇", "正定镇中学党支部"),
        ("正定镇", "张县表"),
    ]
    assert "石家庄市" not in {row["city"] for row in rows}
    from openpyxl import load_workbook

    from awards import pdf

    buffer = io.BytesIO()
    pdf.write_list_xlsx(rows, buffer, group_label=services.group_label(r))
    sheet = load_workbook(io.BytesIO(buffer.getvalue()), read_only=True).active
    assert next(sheet.iter_rows(values_only=True))[0] == "乡镇（街道）"
    # A city groups by county, the province by city.
    city_round = make_round(world.city_a, code="sjz-annex")
    approve_member(city_round, world.branch_a, name="赵市表")
    assert [row["city"] for row in services.list_rows(city_round)] == ["正定县"]
    province_round = make_round(world.province, code="he-annex")
    approve_member(province_round, world.branch_b, name="王省表")
    approve_member(province_round, world.branch_a, name="张省表")
    assert [(row["city"], row["name"]) for row in services.list_rows(province_round)] == [
        ("石家庄市", "张省表"),
        ("唐山市", "王省表"),
    ]


def test_prefix_page_permissions_and_validation(world, people, client, login):
    url = reverse("awards:issuer_prefix", args=[world.county_a.code])
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert login(people.city_b).get(url).status_code == 404  # another city's county
    assert login(people.county_lead).get(url).status_code == 403  # in scope, not the 组织部
    page = login(people.city).get(url)  # the city's 组织部 covers the county
    assert page.status_code == 200 and "中共正定县委的机关代字" in page.text and 'value="正"' in page.text
    client = login(people.county)
    response = client.post(url, {"prefix": "Zd"})
    assert response.status_code == 200 and "机关代字应为 1 至 4 个汉字，如：冀、石、正" in response.text
    assert not IssuerPrefix.objects.exists()
    response = client.post(url, {"prefix": "正定", "next": "/awards/documents/"})
    assert response.status_code == 302 and response["Location"] == "/awards/documents/"
    assert IssuerPrefix.objects.get().prefix == "正定"
    # a branch issues no decisions: no prefix page for it
    assert login(people.county).get(reverse("awards:issuer_prefix", args=[world.branch_a.code])).status_code == 403
