"""纪检 opinion, 公示 (public page, no personal data), objections and the final approval."""

import datetime

import pytest
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from awards.models import AwardRound, Nomination, Objection
from awards.services import nominations as services
from awards.services import publicity
from awards.services.rounds import publicity_end
from campaign.models import MilestoneDone
from tests.factories import MemberFactory
from tests.factories.awards_nominations import Staff, category, chain_quotas, forward_to_owner, make_round

pytestmark = pytest.mark.django_db
Status = Nomination.Status
IP = "203.0.113.50"


@pytest.fixture(autouse=True)
def clear_rate_limit():
    cache.delete(publicity.rate_limit_key(IP))
    cache.delete(publicity.rate_limit_key("127.0.0.1"))
    yield
    cache.delete(publicity.rate_limit_key(IP))
    cache.delete(publicity.rate_limit_key("127.0.0.1"))


@pytest.fixture
def setup(world):
    staff = Staff(world)
    r = make_round(world.province, code="gongshi")
    for code in ("excellent_member", "advanced_org"):
        chain_quotas(r, [world.province, world.city_a, world.county_a, world.town_a], 40, code)
    return world, staff, r


def listed(r, world, staff, members):
    made = []
    for m in members:
        n = services.nominate(
            r, category(r), nominating_org=world.branch_a, nominee=m, deeds="事迹", by=staff.secretary
        )
        made.append(forward_to_owner(n, staff))
    return made


def clear(nominations, staff):
    for n in nominations:
        services.record_discipline(n, by=staff.province, result="clear", note="", date=timezone.localdate())


def open_publicity(r, staff):
    """Start the 公示 today (the planned day is later in the factory's round)."""
    AwardRound.objects.filter(pk=r.pk).update(publicity_starts=timezone.localdate())
    r.refresh_from_db()
    return publicity.start_publicity(r, by=staff.province)


def public_url(r):
    return reverse("awards:public", args=[r.code])


def test_discipline_opinion_before_publicity(setup, login):
    world, staff, r = setup
    a, b = listed(r, world, staff, [world.member_a, MemberFactory(org=world.branch_a, name="钱学明")])
    with pytest.raises(ValidationError) as error:
        publicity.start_publicity(r, by=staff.province)
    assert error.value.messages == ["还有 2 个拟表彰对象未征求纪检机关意见，不能进入公示"]
    with pytest.raises(ValidationError) as error:
        services.record_discipline(a, by=staff.province, result="problem", note="", date=timezone.localdate())
    assert error.value.messages == ["纪检机关意见为“有问题”时，请填写具体意见"]
    with pytest.raises(PermissionDenied):
        services.record_discipline(a, by=staff.city, result="clear", note="", date=timezone.localdate())
    client = login(staff.province)
    # The button's refusals are flash messages that name the field by the label on the form, and write nothing.
    response = client.post(
        reverse("awards:nomination_discipline", args=[a.pk]),
        {"result": "problem", "note": "", "date": timezone.localdate().isoformat()},
        follow=True,
    )
    assert "意见内容：纪检机关意见为“有问题”时，请填写具体意见" in response.content.decode()
    response = client.post(
        reverse("awards:nomination_discipline", args=[a.pk]),
        {"note": "", "date": "2011-02-30"},
        follow=True,
    )
    page = response.content.decode()
    assert "纪检机关意见：请选择纪检机关意见（无异议或有问题）" in page and "征求意见日期：" in page
    a.refresh_from_db()
    assert a.discipline_result == ""
    response = client.post(
        reverse("awards:nomination_discipline", args=[a.pk]),
        {"result": "problem", "note": "正在接受调查", "date": timezone.localdate().isoformat()},
        follow=True,
    )
    assert "已记录“张建国”的纪检机关意见" in response.content.decode()
    services.record_discipline(b, by=staff.province, result="clear", note="", date=timezone.localdate())
    assert open_publicity(r, staff) == 1
    a.refresh_from_db()
    b.refresh_from_db()
    assert a.status == Status.SHORTLISTED and a.discipline_result == "problem"
    assert b.status == Status.PUBLICITY
    assert b.steps.filter(action="publicize").exists() and a.steps.filter(action="discipline").exists()
    page = Client().get(public_url(r)).content.decode()
    assert "钱学明" in page and "张建国" not in page


def test_public_page_shows_candidates_and_no_personal_data(setup):
    world, staff, r = setup
    members = [world.member_a] + [
        MemberFactory(
            org=world.branch_a, name=f"公示{i}", mobile=f"1370000{i:04d}", birth_date=datetime.date(1975, 3, i + 1)
        )
        for i in range(5)
    ]
    made = listed(r, world, staff, members)
    org_nomination = services.nominate(
        r,
        category(r, "advanced_org"),
        nominating_org=world.branch_a,
        nominee=world.branch_a,
        deeds="五个好",
        by=staff.secretary,
    )
    made.append(forward_to_owner(org_nomination, staff))
    clear(made, staff)
    open_publicity(r, staff)
    response = Client().get(public_url(r))
    html = response.content.decode()
    assert response.status_code == 200
    assert "登录" not in html and "/accounts/" not in html
    assert "塔元庄村党支部" in html and "先进基层党组织" in html and "村民小组长" in html
    assert "公示时间" in html
    for m in members:
        m.refresh_from_db()
        assert m.name in html
        assert m.id_number not in html
        assert m.id_number[:6] + "*" not in html
        assert m.mobile not in html
        for fmt in ("%Y-%m-%d", "%Y年%-m月%-d日", "%Y%m%d", "%Y/%m/%d"):
            assert m.birth_date.strftime(fmt) not in html
    assert "省委组织部党员教育处" in html  # the objection contact
    end = publicity_end(r)
    assert f"{end.year}年{end.month}月{end.day}日" in html


def test_public_page_outside_the_period(setup):
    world, staff, r = setup
    made = listed(r, world, staff, [world.member_a])
    clear(made, staff)
    publicity.start_publicity(r, by=staff.province)
    r.refresh_from_db()
    assert r.publicity_starts == timezone.localdate()  # the 公示 runs from the day it is started
    AwardRound.objects.filter(pk=r.pk).update(publicity_starts=timezone.localdate() + datetime.timedelta(days=3))
    html = Client().get(public_url(r)).content.decode()
    assert "公示尚未开始" in html and "张建国" not in html
    response = Client().post(public_url(r), {"nomination": made[0].pk, "content": "x"}, follow=True)
    assert "公示期外不能提出异议" in response.content.decode()
    AwardRound.objects.filter(pk=r.pk).update(publicity_starts=timezone.localdate() - datetime.timedelta(days=30))
    html = Client().get(public_url(r)).content.decode()
    assert "公示已于" in html and "结束" in html and "张建国" not in html
    assert not Objection.objects.exists()
    assert Client().get(reverse("awards:public", args=["no-such-round"])).status_code == 404


def test_objection_form_rules(setup, settings):
    world, staff, r = setup
    made = listed(r, world, staff, [world.member_a])
    clear(made, staff)
    open_publicity(r, staff)
    n = made[0]
    client = Client(enforce_csrf_checks=True)
    assert client.post(public_url(r), {"nomination": n.pk, "content": "x"}, REMOTE_ADDR=IP).status_code == 403
    client = Client()
    response = client.post(public_url(r), {"nomination": n.pk, "content": ""}, REMOTE_ADDR=IP)
    html = response.content.decode()
    assert response.status_code == 400
    assert "请填写异议内容" in html and "请填写真实姓名" in html and "请填写联系电话" in html
    response = client.post(
        public_url(r), {"nomination": n.pk, "content": "有问题", "name": "王五", "phone": "12345"}, REMOTE_ADDR=IP
    )
    assert "手机号码应为以 1 开头的 11 位数字，第二位为 3—9" in response.content.decode()
    response = client.post(
        public_url(r),
        {"nomination": n.pk, "content": "该同志存在违纪问题", "name": "王五", "phone": "13812345678"},
        REMOTE_ADDR=IP,
        follow=True,
    )
    assert "您的异议已提交" in response.content.decode()
    objection = Objection.objects.get()
    assert (objection.status, objection.name, objection.phone) == ("pending", "王五", "13812345678")
    # identity optional when the round says so
    AwardRound.objects.filter(pk=r.pk).update(objection_requires_identity=False)
    response = client.post(public_url(r), {"nomination": n.pk, "content": "匿名反映"}, REMOTE_ADDR=IP)
    assert response.status_code == 302
    assert Objection.objects.filter(name="", content="匿名反映").exists()
    # per-address limit
    settings.AWARDS_OBJECTION_RATE = (3, 3600)
    response = client.post(public_url(r), {"nomination": n.pk, "content": "第四条"}, REMOTE_ADDR=IP)
    assert response.status_code == 429 and "提交过于频繁，请稍后再试" in response.content.decode()
    assert not Objection.objects.filter(content="第四条").exists()
    other = "198.51.100.23"
    cache.delete(publicity.rate_limit_key(other))
    assert client.post(public_url(r), {"nomination": n.pk, "content": "另一地址"}, REMOTE_ADDR=other).status_code == 302
    cache.delete(publicity.rate_limit_key(other))


def test_objection_upheld_removes_rejected_keeps(setup, login):
    world, staff, r = setup
    keep, remove = listed(r, world, staff, [world.member_a, MemberFactory(org=world.branch_a, name="孙立")])
    clear([keep, remove], staff)
    open_publicity(r, staff)
    o1 = publicity.file_objection(keep, content="反映一", name="甲", phone="13800000001")
    o2 = publicity.file_objection(remove, content="反映二", name="乙", phone="13800000002")
    client = login(staff.city)
    assert (
        client.post(reverse("awards:objection_handle", args=[o1.pk]), {"outcome": "rejected", "note": "x"}).status_code
        == 403
    )
    client = login(staff.province)
    page = client.get(reverse("awards:shortlist", args=[r.code])).content.decode()
    assert "反映一" in page and "13800000001" in page  # the internal page shows who objected
    assert page.count("1 条异议待处理") == 2
    response = client.post(
        reverse("awards:objection_handle", args=[o1.pk]), {"outcome": "rejected", "note": ""}, follow=True
    )
    assert "请选择处理结果并填写处理意见" in response.content.decode()
    client.post(reverse("awards:objection_handle", args=[o1.pk]), {"outcome": "rejected", "note": "经核实，反映不实"})
    client.post(reverse("awards:objection_handle", args=[o2.pk]), {"outcome": "upheld", "note": "经核实，存在违纪问题"})
    keep.refresh_from_db()
    remove.refresh_from_db()
    o1.refresh_from_db()
    assert o1.status == "rejected" and o1.outcome == "经核实，反映不实" and o1.handled_by == staff.province
    assert keep.status == Status.PUBLICITY
    assert remove.status == Status.REMOVED and remove.removed_reason == "经核实，存在违纪问题"
    assert remove.steps.filter(action="remove").exists()
    public = Client().get(public_url(r)).content.decode()
    assert "张建国" in public and "孙立" not in public
    internal = client.get(reverse("awards:shortlist", args=[r.code])).content.decode()
    assert "撤销原因：经核实，存在违纪问题" in internal
    assert "条异议待处理" not in internal and internal.count("1 条异议已处理") == 2  # the badge follows the handling
    detail = client.get(reverse("awards:nomination_detail", args=[remove.pk])).content.decode()
    assert "经核实，存在违纪问题" in detail
    with pytest.raises(ValidationError):
        publicity.handle_objection(o1, by=staff.province, upheld=True, note="again")


def test_objection_form_invalid_keeps_the_comment_and_names_the_field(setup, login):
    """No 处理结果 chosen: the list page again (200) with the typed 处理意见 kept and the error at the radios of that
    objection's form; the other objection's form stays empty and nothing is recorded."""
    world, staff, r = setup
    first, second = listed(r, world, staff, [world.member_a, MemberFactory(org=world.branch_a, name="孙立")])
    clear([first, second], staff)
    open_publicity(r, staff)
    o1 = publicity.file_objection(first, content="反映一", name="甲", phone="13800000001")
    o2 = publicity.file_objection(second, content="反映二", name="乙", phone="13800000002")
    client = login(staff.province)
    url = reverse("awards:objection_handle", args=[o1.pk])
    response = client.post(url, {"note": "已转交镇党委核实"})
    assert response.status_code == 200
    page = response.content.decode()
    card = page[page.index(f'id="objection-{o1.pk}"') :]
    card = card[: card.index("</article>")]
    outcome_at, error_at, note_at = card.index("处理结果"), card.index("请选择处理结果"), card.index("处理意见")
    assert outcome_at < error_at < note_at  # the error at the radios, above the comment
    assert "已转交镇党委核实</textarea>" in card and "请填写处理意见" not in card
    assert f'action="{url}#objection-{o1.pk}"' in card  # the browser comes back to this form
    other = page[page.index(f'id="objection-{o2.pk}"') :]
    other = other[: other.index("</article>")]
    assert "已转交镇党委核实" not in other and "请选择处理结果" not in other
    both = client.post(url, {}).content.decode()
    card = both[both.index(f'id="objection-{o1.pk}"') :]
    assert "请选择处理结果" in card and "请填写处理意见" in card[: card.index("</article>")]
    o1.refresh_from_db()
    assert o1.status == "pending" and o1.outcome == ""


def test_approval_after_the_period_with_objections_handled(setup, seed_campaign, login):
    world, staff, r = setup
    AwardRound.objects.filter(pk=r.pk).update(campaign=seed_campaign)
    r.refresh_from_db()
    made = listed(r, world, staff, [world.member_a])
    clear(made, staff)
    open_publicity(r, staff)
    r.refresh_from_db()
    with pytest.raises(ValidationError) as error:
        publicity.approve_list(r, by=staff.province)
    assert error.value.messages == [f"公示期至 {publicity_end(r).isoformat()} 结束，期满后方可审定名单"]
    objection = publicity.file_objection(made[0], content="反映", name="甲", phone="13800000001")
    after = publicity_end(r) + datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as error:
        publicity.approve_list(r, by=staff.province, today=after)
    assert error.value.messages == ["还有 1 条异议未处理，处理后方可审定名单"]
    publicity.handle_objection(objection, by=staff.province, upheld=False, note="不实")
    with pytest.raises(PermissionDenied):
        publicity.approve_list(r, by=staff.city, today=after)
    assert publicity.approve_list(r, by=staff.province, today=after) == 1
    assert [n.nominee_name for n in services.final_list(r)] == ["张建国"]
    assert made[0].steps.filter(action="approve").exists()
    assert MilestoneDone.objects.filter(milestone__code="concentrated_commendation", org=world.province).exists()
    # the page's button says why when it cannot approve
    client = login(staff.province)
    page = client.get(reverse("awards:shortlist", args=[r.code])).content.decode()
    assert "没有公示中的对象，不能审定名单" in page


def test_public_page_query_count(setup):
    world, staff, r = setup
    made = listed(r, world, staff, [world.member_a])
    clear(made, staff)
    open_publicity(r, staff)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            response = Client().get(public_url(r))
        assert response.status_code == 200
        return len(ctx.captured_queries)

    one = count()
    more = listed(r, world, staff, [MemberFactory(org=world.branch_a, name=f"批量{i:02d}") for i in range(29)])
    clear(more, staff)
    publicity.start_publicity(r, by=staff.province)
    assert Nomination.objects.filter(status=Status.PUBLICITY).count() == 30
    assert count() == one
