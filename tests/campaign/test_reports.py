"""Reports upward (报省委组织部): cities and provincial departments submit; the province sees who has and has not."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from campaign.models import Attachment, ImplementationReport, MilestoneDone, Notification
from campaign.queries import activities as q
from campaign.services.reports import submit_report
from orgs.enums import OrgKind, OrgLevel, Role
from tests.factories import make_org, user_with_role
from tests.factories.campaign_activities import (
    campaign_in_phase,
    make_report,
    pdf_bytes,
    pdf_upload,
    png_upload,
)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def c1(seed_campaign):
    return campaign_in_phase(seed_campaign, 1)


@pytest.fixture
def organ(world):
    """省直机关工委: a provincial department, a system committee directly under the province, registered as a
    reporting body (as migration campaign.0007 classifies the system committees it finds)."""
    from campaign.models import ReportingBody

    org = make_org(
        world.province,
        level=OrgLevel.TOWNSHIP,
        kind=OrgKind.WORK_COMMITTEE,
        sector="organ",
        code="130000001",
        name="省直机关工委",
    )
    ReportingBody.objects.create(org=org, category=ReportingBody.Category.SYSTEM)
    return org


@pytest.fixture
def people(world):
    return {
        "province_dept": user_with_role(world.province, Role.ORG_DEPARTMENT),
        "province_lg": user_with_role(world.province, Role.LEADING_GROUP),
        "city_dept": user_with_role(world.city_a, Role.ORG_DEPARTMENT),
        "city_lg": user_with_role(world.city_a, Role.LEADING_GROUP),
        "county_dept": user_with_role(world.county_a, Role.ORG_DEPARTMENT),
        "secretary": user_with_role(world.branch_a, Role.SECRETARY),
        "other_city_dept": user_with_role(world.city_b, Role.ORG_DEPARTMENT),
    }


def post_data(**extra):
    return {
        "title": "石家庄市关于深入开展创先争优活动的实施意见",
        "doc_number": "石创组〔2010〕3号",
        "doc_date": "2010-05-10",
        "file": pdf_upload("实施意见.pdf", pdf_bytes("石家庄市实施意见")),
        **extra,
    }


def test_city_submits_and_resubmits_keeping_versions(world, c1, people, login):
    client = login(people["city_dept"])
    page = client.get(reverse("campaign:report_list")).content.decode()
    assert "石家庄市" in page and "尚未报送实施意见" in page and 'name="doc_number"' in page
    assert "唐山市" not in page

    url = reverse("campaign:report_detail", args=[world.city_a.code])
    response = client.post(url, post_data())
    assert response.status_code == 302
    response = client.post(url, post_data(doc_number="石创组〔2010〕5号", title="实施意见（修订）"), follow=True)
    html = response.content.decode()
    assert "已报送《实施意见（修订）》（第 2 版）" in html
    reports = list(ImplementationReport.objects.order_by("version"))
    assert [(r.version, r.doc_number) for r in reports] == [(1, "石创组〔2010〕3号"), (2, "石创组〔2010〕5号")]
    assert all(r.org == world.city_a and r.campaign == c1 and r.submitted_by == people["city_dept"] for r in reports)
    files = [r.attachments.get() for r in reports]
    assert [a.content_type for a in files] == ["application/pdf", "application/pdf"]
    assert "石创组〔2010〕3号" in html and "第 1 版" in html and "第 2 版" in html
    assert f'href="{reverse("campaign:attachment", args=[files[0].pk])}"' in html


def test_submitting_marks_the_milestone_and_tells_the_province(world, c1, people):
    submit_report(
        world.city_a,
        by=people["city_dept"],
        title="实施意见",
        doc_number="石创组〔2010〕3号",
        doc_date=datetime.date(2010, 5, 10),
        file=pdf_upload(),
    )
    assert MilestoneDone.objects.filter(
        milestone__campaign=c1, milestone__code="report_upward", org=world.city_a
    ).exists()
    assert not MilestoneDone.objects.filter(milestone__code="report_upward", org=world.city_b).exists()
    note = Notification.objects.get()
    assert note.user == people["province_dept"]
    assert note.title == "石家庄市报送了创先争优活动实施意见"


def test_provincial_department_submits(world, c1, organ, login):
    user = user_with_role(organ, Role.ORG_DEPARTMENT)
    response = login(user).post(reverse("campaign:report_detail", args=[organ.code]), post_data())
    assert response.status_code == 302
    assert ImplementationReport.objects.get().org == organ


def test_only_pdf_is_accepted_and_nothing_is_stored(world, c1, people, login, media):
    response = login(people["city_dept"]).post(
        reverse("campaign:report_detail", args=[world.city_a.code]), post_data(file=png_upload("意见.png"))
    )
    assert "实施意见只能上传 PDF 文件" in response.content.decode()
    assert not ImplementationReport.objects.exists() and not Attachment.objects.exists()
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))


def test_missing_fields_and_future_date(world, c1, people, login):
    client = login(people["city_dept"])
    url = reverse("campaign:report_detail", args=[world.city_a.code])
    html = client.post(url, {"title": "", "doc_number": "", "doc_date": ""}).content.decode()
    assert html.count("这个字段是必填项。") == 4
    future = (timezone.localdate() + datetime.timedelta(days=3)).isoformat()
    html = client.post(url, post_data(doc_date=future)).content.decode()
    assert "成文日期不能晚于今天" in html
    assert not ImplementationReport.objects.exists()


def test_refused_when_no_campaign_runs(world, seed_campaign, people):
    with pytest.raises(ValidationError, match="活动已经结束"):
        submit_report(
            world.city_a,
            by=people["city_dept"],
            title="实施意见",
            doc_number="1",
            doc_date=datetime.date(2010, 5, 10),
            file=pdf_upload(),
        )


@pytest.mark.parametrize("who", ["province_dept", "city_lg", "county_dept", "secretary"])
def test_only_the_units_own_org_department_submits(world, c1, people, who):
    with pytest.raises(PermissionDenied):
        submit_report(
            world.city_a,
            by=people[who],
            title="实施意见",
            doc_number="1",
            doc_date=datetime.date(2010, 5, 10),
            file=pdf_upload(),
        )


def test_province_overview(world, c1, people, organ, login):
    make_report(world.city_a, c1, version=1, submitted_at=timezone.now() - datetime.timedelta(days=3))
    latest = make_report(world.city_a, c1, version=2)
    for who in ("province_dept", "province_lg"):
        response = login(people[who]).get(reverse("campaign:report_list"))
        rows = {r.name: (r.versions, r.latest_at) for r in response.context["overview"]}
        assert rows == {"石家庄市": (2, latest.submitted_at), "唐山市": (0, None), "省直机关工委": (0, None)}
        html = response.content.decode()
        assert "已报送 1 个单位，未报送 2 个，共 3 个单位" in html
        assert html.count(">未报送<") == 2
        assert "省直系统党（工）委" in html  # the category of the registered system committee


def test_overview_is_one_query(world, c1, organ):
    for i in range(30):
        make_org(world.province, level=OrgLevel.CITY, kind=OrgKind.COMMITTEE, code=f"1399{i:02d}")
    make_report(world.city_a, c1)
    with CaptureQueriesContext(connection) as ctx:
        rows = list(q.report_overview(c1, [world.province]))
    assert len(ctx.captured_queries) == 2  # the campaign's report_upward milestone (who must report), then the rows
    assert len(rows) == 33 and sum(1 for r in rows if r.versions) == 1


def test_report_list_query_count_constant(world, c1, people, login):
    client = login(people["province_dept"])

    def count():
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(reverse("campaign:report_list"))
        return len(ctx.captured_queries), len(response.context["overview"])

    few = count()
    for i in range(30):
        unit = make_org(world.province, level=OrgLevel.CITY, kind=OrgKind.COMMITTEE, code=f"1398{i:02d}")
        make_report(unit, c1)
    many = count()
    assert few[1] == 2 and many[1] == 32
    assert few[0] == many[0]


def test_city_detail_page_versions_for_the_province(world, c1, people, login):
    make_report(world.city_a, c1, version=1, doc_number="石创组〔2010〕3号")
    html = login(people["province_lg"]).get(reverse("campaign:report_detail", args=[world.city_a.code])).content
    html = html.decode()
    assert "石创组〔2010〕3号" in html and 'name="doc_number"' not in html


# ----- permission matrix -----


def test_anonymous_goes_to_login(world, client):
    for url in (reverse("campaign:report_list"), reverse("campaign:report_detail", args=[world.city_a.code])):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(
    "who,list_status,detail_status,post_status",
    [
        ("province_dept", 200, 200, 403),
        ("province_lg", 200, 200, 403),
        ("city_dept", 200, 200, 302),
        ("city_lg", 200, 200, 403),
        ("county_dept", 403, 404, 404),  # the city is above the county: outside its scope
        ("secretary", 403, 404, 404),
        ("other_city_dept", 200, 404, 404),
    ],
)
def test_matrix(world, c1, people, login, who, list_status, detail_status, post_status):
    client = login(people[who])
    detail = reverse("campaign:report_detail", args=[world.city_a.code])
    assert client.get(reverse("campaign:report_list")).status_code == list_status
    assert client.get(detail).status_code == detail_status
    assert client.post(detail, post_data()).status_code == post_status
    # A node that is not a reporting unit answers 404 even inside the scope.
    assert client.get(reverse("campaign:report_detail", args=[world.county_a.code])).status_code == 404


def test_member_role_is_403(world, c1, login):
    client = login(user_with_role(world.city_a, Role.MEMBER))
    assert client.get(reverse("campaign:report_list")).status_code == 403
