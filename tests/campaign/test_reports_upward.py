"""Reports upward from every body that must report: the cities, the 省直 departments and the system committees.

"各市、省直有关单位在本地本部门本系统开展创先争优活动实施意见制定后，请及时报省委组织部。" (seed, part 五)
The report_upward milestone applies to the cities (level) and to the registered reporting bodies (ReportingBody):
the milestone, the reminders, the campaign's progress, the dashboards' SQL and the "who has / hasn't" list count
the same organizations.
"""

import datetime
import importlib

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.urls import reverse

from campaign.models import (
    ImplementationReport,
    Milestone,
    MilestoneDone,
    Notification,
    ReminderDelivery,
    ReportingBody,
)
from campaign.queries.timeline import campaign_progress, orgs_not_done
from campaign.services.reminders import run_daily_reminders
from campaign.services.reports import (
    register_reporting_body,
    register_system_committees,
    remove_reporting_body,
    submit_report,
)
from dashboards.services import applies_sql
from orgs.enums import OrgKind, OrgLevel, Role
from orgs.models import Org
from tests.factories import make_org, user_with_role
from tests.factories.campaign_activities import campaign_in_phase, pdf_bytes, pdf_upload

pytestmark = pytest.mark.django_db
SYSTEM, DEPARTMENT = ReportingBody.Category.SYSTEM, ReportingBody.Category.DEPARTMENT
REPORT_TITLE = "“实施意见报省委组织部”"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


class Bodies:
    """省直机关工委 (a system committee at depth 2, at level 乡镇 as the demo data has it), under it the
    provincial education department's 机关党委 (a 省直部门, registered) and an archive bureau's (not registered)."""

    def __init__(self, world):
        self.world = world
        self.province_od = user_with_role(world.province, Role.ORG_DEPARTMENT, username="sheng_zzb_t")
        self.province_lg = user_with_role(world.province, Role.LEADING_GROUP, username="sheng_ldxz_t")
        self.system = make_org(
            world.province,
            level=OrgLevel.TOWNSHIP,
            kind=OrgKind.WORK_COMMITTEE,
            sector="organ",
            code="130000001",
            name="省直机关工委",
        )
        self.department = make_org(
            self.system, kind=OrgKind.COMMITTEE, sector="organ", code="130000001001", name="省教育厅机关党委"
        )
        self.archive = make_org(
            self.system, kind=OrgKind.COMMITTEE, sector="organ", code="130000001002", name="省档案局机关党委"
        )
        self.system_od = user_with_role(
            self.system, Role.ORG_DEPARTMENT, username="szjggw", email="gw@example.org", mobile="13900000101"
        )
        self.department_od = user_with_role(
            self.department, Role.ORG_DEPARTMENT, username="jyt", email="jyt@example.org", mobile="13900000102"
        )
        self.archive_od = user_with_role(self.archive, Role.ORG_DEPARTMENT, username="daj", email="daj@example.org")
        self.city_od = user_with_role(world.city_a, Role.ORG_DEPARTMENT, username="sjz_zzb", email="sjz@example.org")
        register_system_committees(world.province, by=self.province_od)
        register_reporting_body(self.department, by=self.province_od, category=DEPARTMENT, note="省直部门")


@pytest.fixture
def bodies(world):
    return Bodies(world)


@pytest.fixture
def c1(seed_campaign):
    return campaign_in_phase(seed_campaign, 1)


def report(org, by, campaign):
    return submit_report(
        org,
        by=by,
        title=f"{org.name}关于深入开展创先争优活动的实施意见",
        doc_number="冀教创〔2010〕1号",
        doc_date=datetime.date(2010, 5, 10),
        file=pdf_upload("实施意见.pdf", pdf_bytes(org.name)),
        campaign=campaign,
    )


# --- the milestone applies to the cities and to the registered bodies ------------------------------------------


def test_the_seed_milestone_reaches_the_provincial_units(seed_campaign, c1):
    for campaign in (seed_campaign, c1):
        milestone = campaign.milestones.get(code="report_upward")
        assert milestone.levels == ["city"] and milestone.provincial_units is True


def test_milestone_applies_to_cities_system_committees_and_departments(world, c1, bodies):
    milestone = c1.milestones.get(code="report_upward")
    applies = set(Org.objects.filter(milestone.applies_q()).values_list("name", flat=True))
    assert applies == {"石家庄市", "唐山市", "省直机关工委", "省教育厅机关党委"}
    assert [milestone.applies_to(o) for o in (bodies.system, bodies.department, world.city_a)] == [True] * 3
    assert not milestone.applies_to(bodies.archive) and not milestone.applies_to(world.county_a)
    # the register is what decides: the system committee is at level 乡镇, like a township it is not
    assert not milestone.applies_to(world.town_a)
    # other milestones are untouched by the register
    mobilize = c1.milestones.get(code="mobilize")
    assert not mobilize.applies_to(bodies.department) and mobilize.applies_to(world.city_a)


def test_dashboards_sql_counts_the_same_organizations(world, c1, bodies):
    """dashboards.services.applies_sql (the snapshot's SQL) agrees with Milestone.applies_q."""
    for milestone in c1.milestones.all():
        cond, params = applies_sql(milestone)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT o.id FROM {Org._meta.db_table} o WHERE o.active AND {cond}", params)  # noqa: S608
            by_sql = {row[0] for row in cursor.fetchall()}
        assert by_sql == set(Org.objects.filter(milestone.applies_q()).values_list("pk", flat=True)), milestone.code


def test_a_milestone_with_only_the_flag_means_only_the_registered_bodies(world, bodies):
    milestone = Milestone(levels=[], provincial_units=True)
    assert set(Org.objects.filter(milestone.applies_q()).values_list("name", flat=True)) == {
        "省直机关工委",
        "省教育厅机关党委",
    }


def test_campaign_progress_and_not_done_list_count_the_bodies(world, c1, bodies):
    report(bodies.department, bodies.department_od, c1)
    milestone = c1.milestones.get(code="report_upward")
    assert MilestoneDone.objects.filter(milestone=milestone, org=bodies.department).exists()
    rows = {m.milestone.code: m for p in campaign_progress(bodies.province_od, c1) for m in p.milestones}
    assert (rows["report_upward"].applicable, rows["report_upward"].done) == (4, 1)
    not_done = list(orgs_not_done(bodies.province_od, milestone).values_list("name", flat=True))
    assert not_done == ["石家庄市", "唐山市", "省直机关工委"]


# --- reminders --------------------------------------------------------------------------------------------------


def test_reminders_reach_the_department_and_the_system_committee(world, c1, bodies, django_capture_on_commit_callbacks):
    milestone = c1.milestones.get(code="report_upward")
    with django_capture_on_commit_callbacks(execute=True):
        run_daily_reminders(milestone.due_date - datetime.timedelta(days=7))
    reminded = set(
        ReminderDelivery.objects.filter(milestone=milestone, audience="org").values_list("org__name", flat=True)
    )
    assert reminded == {"石家庄市", "唐山市", "省直机关工委", "省教育厅机关党委"}
    # one digest a day per recipient, the report's line among that day's items
    due = milestone.due_date.isoformat()
    line = f"的节点任务{REPORT_TITLE}应于{due}前完成，还有7天到期"
    for user in (bodies.system_od, bodies.department_od, bodies.city_od):
        (digest,) = Notification.objects.filter(user=user)
        assert line in digest.body
    assert not Notification.objects.filter(user=bodies.archive_od, body__contains="实施意见").exists()
    note = Notification.objects.get(user=bodies.department_od)
    assert note.body.startswith("省教育厅机关党委：")

    # a department that has reported is not reminded again; overdue work goes up to the province's 组织部
    report(bodies.department, bodies.department_od, c1)
    with django_capture_on_commit_callbacks(execute=True):
        run_daily_reminders(milestone.due_date + datetime.timedelta(days=1))
    overdue = f"的节点任务{REPORT_TITLE}应于{due}前完成，已逾期1天"
    assert Notification.objects.filter(user=bodies.system_od, body__contains=overdue).count() == 1
    assert not Notification.objects.filter(user=bodies.department_od, body__contains=overdue).exists()
    (summary,) = Notification.objects.filter(user=bodies.province_od, title__startswith="下级组织逾期：")
    assert f"未在{due}前完成{REPORT_TITLE}（如" in summary.body and "省直机关工委" in summary.body


# --- the "who has / hasn't reported" list -----------------------------------------------------------------------


def test_the_province_sees_who_has_and_has_not_reported(world, c1, bodies, login):
    report(bodies.department, bodies.department_od, c1)
    for user in (bodies.province_od, bodies.province_lg):
        response = login(user).get(reverse("campaign:report_list"))
        rows = {r.name: r.versions for r in response.context["overview"]}
        assert rows == {"石家庄市": 0, "唐山市": 0, "省直机关工委": 0, "省教育厅机关党委": 1}
        html = response.content.decode()
        assert "已报送 1 个单位，未报送 3 个，共 4 个单位" in html
        assert "省直系统党（工）委" in html and "省直部门" in html and "省档案局机关党委" not in html


def test_a_registered_body_submits_its_own_opinion_an_unregistered_one_cannot(world, c1, bodies, login):
    client = login(bodies.system_od)
    page = client.get(reverse("campaign:report_list")).content.decode()
    assert "省直机关工委" in page and 'name="doc_number"' in page
    response = client.post(
        reverse("campaign:report_detail", args=[bodies.system.code]),
        {
            "title": "省直机关工委实施意见",
            "doc_number": "冀直工〔2010〕2号",
            "doc_date": "2010-05-10",
            "file": pdf_upload("实施意见.pdf", pdf_bytes("省直机关工委")),
        },
    )
    assert response.status_code == 302
    assert ImplementationReport.objects.get().org == bodies.system
    assert (
        login(bodies.archive_od).get(reverse("campaign:report_detail", args=[bodies.archive.code])).status_code == 404
    )
    with pytest.raises(PermissionDenied):
        report(bodies.archive, bodies.archive_od, c1)


# --- the register ----------------------------------------------------------------------------------------------


def test_register_rules_with_messages_and_nothing_written(world, bodies):
    before = ReportingBody.objects.count()
    cases = [
        (world.city_a, SYSTEM, "org_code", "“石家庄市”是市委：各市都要报送，无需登记"),
        (bodies.department, DEPARTMENT, "org_code", "“省教育厅机关党委”已在报送单位名录中"),
        (world.province, SYSTEM, "org_code", "报送单位应是省委所属的有效单位，不能是省委本身"),
        (bodies.archive, "bureau", "category", "请选择报送单位的类别"),
    ]
    for org, category, field, message in cases:
        with pytest.raises(ValidationError) as error:
            register_reporting_body(org, by=bodies.province_od, category=category)
        assert error.value.message_dict == {field: [message]}
    for user in (bodies.city_od, bodies.system_od, bodies.province_lg):
        with pytest.raises(PermissionDenied):
            register_reporting_body(bodies.archive, by=user, category=DEPARTMENT)
    assert ReportingBody.objects.count() == before


def test_register_system_committees_is_idempotent_and_leaves_history(world, bodies):
    assert register_system_committees(world.province, by=bodies.province_od) == []
    body = ReportingBody.objects.get(org=bodies.system)
    assert body.category == SYSTEM and body.created_by == bodies.province_od
    assert body.history.get().history_user == bodies.province_od
    department = ReportingBody.objects.get(org=bodies.department)
    pk = department.pk
    remove_reporting_body(department, by=bodies.province_od)
    assert not ReportingBody.objects.filter(org=bodies.department).exists()
    history = ReportingBody.history.filter(id=pk).order_by("history_id")
    assert [(h.history_type, h.history_user) for h in history] == [("+", bodies.province_od), ("-", bodies.province_od)]


def test_the_migration_classifies_the_system_committees_it_finds(world, seed_campaign, bodies):
    """campaign.0007: the data-level fix for existing databases (and province-scale data loaded before it)."""
    migration = importlib.import_module("campaign.migrations.0007_guidance_groups")
    ReportingBody.objects.all().delete()
    Milestone.objects.filter(code="report_upward").update(provincial_units=False)
    migration.classify(apps, None)
    assert list(ReportingBody.objects.values_list("org__name", "category")) == [("省直机关工委", "system")]
    assert set(Milestone.objects.filter(code="report_upward").values_list("provincial_units", flat=True)) == {True}


def test_register_page_per_role(world, bodies, login, client):
    url = reverse("campaign:report_units")
    assert client.get(url).status_code == 302  # anonymous: to the login page
    page = login(bodies.province_od).get(url).content.decode()
    assert "省直机关工委" in page and "省教育厅机关党委" in page and 'name="org_code"' in page
    assert "登记省委直属的系统党（工）委" in page
    lg = login(bodies.province_lg).get(url).content.decode()
    assert "省教育厅机关党委" in lg and 'name="org_code"' not in lg
    assert (
        login(bodies.province_lg).post(url, {"org_code": bodies.archive.code, "category": DEPARTMENT}).status_code
        == 403
    )
    for user in (bodies.city_od, bodies.system_od):
        assert login(user).get(url).status_code == 403

    client = login(bodies.province_od)
    response = client.post(url, {"org_code": world.city_b.code, "category": DEPARTMENT}, follow=True)
    assert "“唐山市”是市委：各市都要报送，无需登记" in response.content.decode()
    response = client.post(url, {"org_code": bodies.archive.code, "category": DEPARTMENT, "note": "档案"}, follow=True)
    assert "已将省档案局机关党委列入报送单位名录" in response.content.decode()
    body = ReportingBody.objects.get(org=bodies.archive)
    assert (body.category, body.note) == (DEPARTMENT, "档案")
    response = client.post(reverse("campaign:report_unit_delete", args=[body.pk]), follow=True)
    assert "已将省档案局机关党委移出报送单位名录" in response.content.decode()
    response = client.post(reverse("campaign:report_units_system"), follow=True)
    assert "省委直属的系统党（工）委都已在名录中" in response.content.decode()
