"""一定三有: items as data (the province, or a county for its subtree), a village's state per item with evidence,
the villages × items page with its counts and filters, the village definition, scope."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from accountability import queries, services
from accountability.models import MeasureItem, MeasureStatus, VillageMeasure
from campaign.models import Attachment
from orgs.enums import OrgKind
from tests.factories import make_org
from tests.factories.campaign_activities import png_upload

pytestmark = pytest.mark.django_db
DONE, PROGRESS, PENDING = MeasureStatus.DONE, MeasureStatus.PROGRESS, MeasureStatus.PENDING


def text(response):
    return response.content.decode()


def refused(call, field=None) -> str:
    with pytest.raises(ValidationError) as error:
        call()
    return " ".join(error.value.messages if field is None else error.value.message_dict[field])


@pytest.fixture
def items(world, people):
    return {
        "p": services.define_item(world.province, by=people.province_od, title="定职责", order=1),
        "a": services.define_item(world.county_a, by=people.county_od, title="有场所", order=2),
        "b": services.define_item(world.county_b, by=people.county_b_od, title="有经费", order=1),
    }


def test_villages_are_rural_basic_organizations_under_a_township(world):
    general = make_org(world.town_a, sector="rural", kind=OrgKind.GENERAL_BRANCH, name="东村党总支")
    child = make_org(general, sector="rural", name="东村第一党支部")
    found = set(queries.villages().values_list("name", flat=True))
    assert found == {"塔元庄村党支部", "滦州村党支部", "东村党总支"}
    assert queries.is_village(general) and not queries.is_village(child)
    assert not queries.is_village(world.branch_a2) and not queries.is_village(world.town_a)


def test_items_are_set_by_the_province_or_a_county(world, people, items):
    assert items["p"].scope_path == world.province.path and items["p"].history.count() == 1
    city = refused(lambda: services.define_item(world.city_a, by=people.city_od, title="x"), "scope")
    assert city == "一定三有条目由省委组织部或县（市、区）委组织部设定，请选择省或县（市、区）"
    with pytest.raises(PermissionDenied):
        services.define_item(world.county_a, by=people.county_b_od, title="x")
    with pytest.raises(PermissionDenied):
        services.define_item(world.county_a, by=people.secretary_a, title="x")
    same = refused(lambda: services.define_item(world.county_a, by=people.county_od, title="有场所"), "title")
    assert same == "正定县已设定条目“有场所”"
    above = refused(lambda: services.define_item(world.county_a, by=people.county_od, title="定职责"), "title")
    assert above == "上级（河北省）已设定条目“定职责”，适用于本范围的所有村"
    assert (
        refused(lambda: services.define_item(world.county_a, by=people.county_od, title=" "), "title") == "请填写条目"
    )
    assert MeasureItem.objects.count() == 3


def test_a_village_records_its_state(world, people, items, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    row = services.record_measure(world.branch_a, items["p"], by=people.secretary_a, status=PROGRESS, evidence="起草中")
    assert (row.status, row.updated_by) == (PROGRESS, people.secretary_a)
    row = services.record_measure(
        world.branch_a, items["p"], by=people.secretary_a, status=DONE, files=[png_upload("公示栏.png")]
    )
    assert row.status == DONE and Attachment.objects.get().original_name == "公示栏.png"
    assert [h.status for h in row.history.order_by("history_date")] == [PROGRESS, DONE]
    # the county's 组织部 records for a village of its own
    services.record_measure(world.branch_a, items["a"], by=people.county_od, status=PROGRESS)
    assert VillageMeasure.objects.filter(village=world.branch_a).count() == 2


def test_state_refusals_write_nothing(world, people, items):
    message = refused(
        lambda: services.record_measure(world.branch_a, items["p"], by=people.secretary_a, status=DONE), "evidence"
    )
    assert message == "标记为已落实时，请填写落实情况说明或上传佐证材料"
    other_county = refused(
        lambda: services.record_measure(world.branch_a, items["b"], by=people.secretary_a, status=PROGRESS), "item"
    )
    assert other_county == "条目“有经费”不适用于塔元庄村党支部"
    school = refused(
        lambda: services.record_measure(world.branch_a2, items["p"], by=people.secretary_a2, status=PROGRESS),
        "village",
    )
    assert school == "“正定镇中学党支部”不是村党组织：一定三有按村填报"
    services.update_item(items["a"], by=people.county_od, title="有场所", description="", order=2, active=False)
    items["a"].refresh_from_db()
    stopped = refused(
        lambda: services.record_measure(world.branch_a, items["a"], by=people.secretary_a, status=PROGRESS), "item"
    )
    assert stopped == "条目“有场所”已停用"
    for user in (people.secretary_b, people.county_b_od, people.province_lg, people.member):
        with pytest.raises(PermissionDenied):
            services.record_measure(world.branch_a, items["p"], by=user, status=PROGRESS)
    assert not VillageMeasure.objects.exists()


def test_grid_counts_and_filters(world, people, items, login):
    general = make_org(world.town_a, sector="rural", kind=OrgKind.GENERAL_BRANCH, name="东村党总支")
    services.record_measure(world.branch_a, items["p"], by=people.secretary_a, status=DONE, evidence="已公示")
    services.record_measure(world.branch_a, items["a"], by=people.secretary_a, status=PROGRESS)
    services.record_measure(general, items["p"], by=people.county_od, status=PROGRESS)
    client = login(people.county_od)
    response = client.get(reverse("accountability:grid"))
    page = text(response)
    assert [c.title for c in response.context["columns"]] == ["定职责", "有场所"]
    assert "村 2 个" in page and "滦州" not in page
    assert [(c["done"], c["progress"], c["pending"]) for c in response.context["column_counts"]] == [
        (1, 1, 0),
        (0, 1, 1),
    ]
    rows = {r["village"].name: (r["done"], r["applicable"]) for r in response.context["rows"]}
    assert rows == {"塔元庄村党支部": (1, 2), "东村党总支": (0, 2)}
    pending = client.get(reverse("accountability:grid"), {"item": items["a"].pk, "status": PENDING})
    assert [r["village"].name for r in pending.context["rows"]] == ["东村党总支"]
    done = client.get(reverse("accountability:grid"), {"item": items["p"].pk, "status": DONE})
    assert [r["village"].name for r in done.context["rows"]] == ["塔元庄村党支部"]
    # the province sees both counties: only the province's item covers every village, the county items count per row
    response = login(people.province_lg).get(reverse("accountability:grid"))
    assert [c.title for c in response.context["columns"]] == ["定职责"]
    rows = {r["village"].name: (r["done"], r["applicable"]) for r in response.context["rows"]}
    assert rows == {"塔元庄村党支部": (1, 2), "东村党总支": (0, 2), "滦州村党支部": (0, 2)}
    response = login(people.province_lg).get(reverse("accountability:grid"), {"org": world.county_b.code})
    assert [c.title for c in response.context["columns"]] == ["定职责", "有经费"]


def test_village_page_and_recording_through_the_form(world, people, items, login):
    client = login(people.secretary_a)
    url = reverse("accountability:measure_record", args=[world.branch_a.code, items["p"].pk])
    response = client.post(url, {"status": DONE, "evidence": ""})
    assert response.context["form"].errors["evidence"] == ["标记为已落实时，请填写落实情况说明或上传佐证材料"]
    response = client.post(url, {"status": DONE, "evidence": "岗位职责已张榜"})
    assert response.status_code == 302
    page = text(client.get(reverse("accountability:village", args=[world.branch_a.code])))
    assert "已落实 1 / 2 项" in page and "岗位职责已张榜" in page and "有经费" not in page
    # an item of the other county does not apply here: 404; a school branch is no village: 404
    assert (
        client.get(reverse("accountability:measure_record", args=[world.branch_a.code, items["b"].pk])).status_code
        == 404
    )
    assert client.get(reverse("accountability:village", args=[world.branch_a2.code])).status_code == 404


def test_scope(world, people, items, login):
    services.record_measure(world.branch_a, items["p"], by=people.secretary_a, status=PROGRESS)
    client = login(people.county_b_od)
    assert client.get(reverse("accountability:village", args=[world.branch_a.code])).status_code == 404
    url = reverse("accountability:measure_record", args=[world.branch_a.code, items["p"].pk])
    assert client.get(url).status_code == 404
    assert client.get(reverse("accountability:item_edit", args=[items["a"].pk])).status_code == 404
    assert "塔元庄" not in text(client.get(reverse("accountability:grid")))
    titles = [i.title for i in client.get(reverse("accountability:item_list")).context["object_list"]]
    assert titles == ["定职责", "有经费"]
    # inside the scope, the wrong role: 403
    assert login(people.county_od).get(reverse("accountability:item_edit", args=[items["p"].pk])).status_code == 403
    assert login(people.province_lg).get(url).status_code == 403


def test_item_pages(world, people, login):
    client = login(people.county_od)
    form = text(client.get(reverse("accountability:item_create")))
    assert 'value="130123"' in form  # the county's own scope is proposed
    response = client.post(
        reverse("accountability:item_create"), {"scope": world.city_a.code, "title": "x", "order": 1}
    )
    assert "未找到该组织" in text(response) or "不能选择" in text(response)
    client.post(reverse("accountability:item_create"), {"scope": world.county_a.code, "title": "有场所", "order": 1})
    item = MeasureItem.objects.get()
    assert item.scope == world.county_a and item.created_by == people.county_od
    client.post(
        reverse("accountability:item_edit", args=[item.pk]),
        {"title": "有活动场所", "description": "达标", "order": 3},
    )
    item.refresh_from_db()
    assert (item.title, item.active, item.order) == ("有活动场所", False, 3)  # unticked: no longer in use
    html = text(client.get(reverse("accountability:item_list")))
    assert "有活动场所" in html and "已停用" in html and "style=" not in html
