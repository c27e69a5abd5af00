"""基层党建述职评议: the secretary's annual 述职 and the superior's 评议 — rules and refusals (the message at the
field, nothing written), who may rate, the pages, the list's filters and counts, scope (404 for another county)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from accountability import services
from accountability.models import DutyReport, DutyStatus
from campaign.models import Attachment
from tests.factories.campaign_activities import pdf_upload

pytestmark = pytest.mark.django_db


def year():
    return timezone.localdate().year


def text(response):
    return response.content.decode()


def refused(call, field=None) -> str:
    with pytest.raises(ValidationError) as error:
        call()
    return " ".join(error.value.messages if field is None else error.value.message_dict[field])


def submitted(world, people, org=None, by=None, report="一年来抓党建的情况"):
    duty = services.start_duty_report(org or world.branch_a, by=by or people.secretary_a, year=year(), report=report)
    return services.save_duty_report(duty, by=by or people.secretary_a, report=report, submit=True)


def test_secretary_writes_and_submits(world, people):
    duty = services.start_duty_report(world.branch_a, by=people.secretary_a, year=year(), report="草稿")
    assert (duty.status, duty.submitted_at) == (DutyStatus.DRAFT, None)
    duty = services.save_duty_report(duty, by=people.secretary_a, report="正式报告", submit=True)
    assert duty.status == DutyStatus.SUBMITTED and duty.submitted_by == people.secretary_a
    assert duty.submitted_at is not None and duty.report == "正式报告"
    assert [h.status for h in duty.history.order_by("history_date")] == ["draft", "submitted"]


def test_duty_refusals_write_nothing(world, people):
    services.start_duty_report(world.branch_a, by=people.secretary_a, year=year())
    message = refused(lambda: services.start_duty_report(world.branch_a, by=people.secretary_a, year=year()), "year")
    assert message == f"塔元庄村党支部{year()}年度的述职已经存在"
    future = refused(lambda: services.start_duty_report(world.branch_a, by=people.secretary_a, year=year() + 1))
    assert future == f"不能提前为{year() + 1}年度述职"
    township = refused(lambda: services.start_duty_report(world.town_a, by=people.town_secretary, year=year()), "org")
    assert township == "述职由基层党组织书记提交"
    for user in (people.county_od, people.member, people.secretary_b, people.province_lg):
        with pytest.raises(PermissionDenied):
            services.start_duty_report(world.branch_a2, by=user, year=year())
    assert DutyReport.objects.count() == 1


def test_submitting_needs_a_report_or_a_file(world, people, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    duty = services.start_duty_report(world.branch_a, by=people.secretary_a, year=year())
    message = refused(lambda: services.save_duty_report(duty, by=people.secretary_a, report=" ", submit=True), "report")
    assert message == "请填写述职报告或上传述职报告文件后再提交"
    duty.refresh_from_db()
    assert duty.status == DutyStatus.DRAFT
    services.save_duty_report(duty, by=people.secretary_a, report="", files=[pdf_upload("述职报告.pdf")], submit=True)
    duty.refresh_from_db()
    assert duty.status == DutyStatus.SUBMITTED and Attachment.objects.get().original_name == "述职报告.pdf"
    again = refused(lambda: services.save_duty_report(duty, by=people.secretary_a, report="改"))
    assert again.startswith(f"{year()}年度述职已于") and again.endswith("提交，不能再修改")


def test_an_active_pdf_is_refused_and_nothing_is_written(world, people, settings, tmp_path):
    import io

    import pikepdf

    from tests.factories.campaign_activities import pdf_bytes

    settings.MEDIA_ROOT = tmp_path
    pdf = pikepdf.open(io.BytesIO(pdf_bytes("述职")))
    pdf.Root.OpenAction = pdf.make_indirect(
        pikepdf.Dictionary(Type=pikepdf.Name.Action, S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.alert(1)"))
    )
    out = io.BytesIO()
    pdf.save(out)
    message = refused(
        lambda: services.start_duty_report(
            world.branch_a, by=people.secretary_a, year=year(), files=[pdf_upload("a.pdf", out.getvalue())]
        ),
        "files",
    )
    assert "含有脚本、启动程序或嵌入文件，不能上传" in message
    assert not DutyReport.objects.exists() and not Attachment.objects.exists()
    assert not any(tmp_path.rglob("*.pdf"))


def test_the_superior_rates(world, people):
    duty = submitted(world, people)
    duty = services.rate_duty_report(duty, by=people.county_od, rating="fair", comments="规范")
    assert (duty.status, duty.rating, duty.rated_by, duty.rated_org) == (
        "rated",
        "fair",
        people.county_od,
        world.county_a,
    )
    # a township committee's secretary rates in the township's name
    other = submitted(world, people, org=world.branch_a2, by=people.secretary_a2)
    assert services.rate_duty_report(other, by=people.town_secretary, rating="good").rated_org == world.town_a


def test_rating_refusals_write_nothing(world, people):
    draft = services.start_duty_report(world.branch_a, by=people.secretary_a, year=year(), report="x")
    message = refused(lambda: services.rate_duty_report(draft, by=people.county_od, rating="good"), "rating")
    assert message == f"该组织{year()}年度的述职尚未提交，不能评议"
    duty = services.save_duty_report(draft, by=people.secretary_a, report="x", submit=True)
    message = refused(lambda: services.rate_duty_report(duty, by=people.county_od, rating="poor"), "comments")
    assert message == "评为一般或差时，请写明评议意见（存在的问题和整改要求）"
    assert refused(lambda: services.rate_duty_report(duty, by=people.county_od, rating="best"), "rating") == (
        "请选择评议等次：好、较好、一般或差"
    )
    for user in (people.secretary_a, people.county_b_od, people.province_lg, people.sector_rural, people.member):
        with pytest.raises(PermissionDenied):
            services.rate_duty_report(duty, by=user, rating="good")
    duty.refresh_from_db()
    assert (duty.status, duty.rating, duty.history.count()) == ("submitted", "", 2)
    services.rate_duty_report(duty, by=people.county_od, rating="good")
    message = refused(lambda: services.rate_duty_report(duty, by=people.city_od, rating="poor", comments="x"), "rating")
    assert message == "该述职已评议为“好”，不能重复评议"


def test_pages_write_submit_and_rate(world, people, login):
    client = login(people.secretary_a)
    response = client.post(reverse("accountability:duty_start"), {"year": str(year()), "report": "草稿内容"})
    duty = DutyReport.objects.get()
    assert response.status_code == 302 and duty.org == world.branch_a
    assert client.get(reverse("accountability:duty_start")).url == reverse("accountability:duty_detail", args=[duty.pk])
    response = client.post(reverse("accountability:duty_edit", args=[duty.pk]), {"report": "", "action": "submit"})
    assert response.context["form"].errors["report"] == ["请填写述职报告或上传述职报告文件后再提交"]
    client.post(reverse("accountability:duty_edit", args=[duty.pk]), {"report": "正式", "action": "submit"})
    duty.refresh_from_db()
    assert duty.status == DutyStatus.SUBMITTED
    assert "提交评议" not in text(client.get(reverse("accountability:duty_detail", args=[duty.pk])))
    client = login(people.county_od)
    page = text(client.get(reverse("accountability:duty_detail", args=[duty.pk])))
    assert "评议（以正定县名义）" in page
    response = client.post(reverse("accountability:duty_rate", args=[duty.pk]), {"rating": "average", "comments": ""})
    assert "评为一般或差时，请写明评议意见" in text(response)
    response = client.post(reverse("accountability:duty_rate", args=[duty.pk]), {"rating": "good", "comments": "好"})
    duty.refresh_from_db()
    assert response.status_code == 302 and duty.rating == "good"
    assert 'id="duty-rating">好</dd>' in text(client.get(reverse("accountability:duty_detail", args=[duty.pk])))


def test_scope(world, people, login):
    duty = submitted(world, people)
    client = login(people.county_b_od)
    for url in (
        reverse("accountability:duty_detail", args=[duty.pk]),
        reverse("accountability:duty_edit", args=[duty.pk]),
    ):
        assert client.get(url).status_code == 404
    assert client.post(reverse("accountability:duty_rate", args=[duty.pk]), {"rating": "good"}).status_code == 404
    assert "塔元庄" not in text(client.get(reverse("accountability:duty_list")))
    # inside the scope with the wrong role: 403
    assert login(people.secretary_a).post(reverse("accountability:duty_rate", args=[duty.pk])).status_code == 403
    assert login(people.county_od).get(reverse("accountability:duty_edit", args=[duty.pk])).status_code == 403
    assert login(people.member).get(reverse("accountability:duty_list")).status_code == 403


def test_list_filters_and_counts(world, people, login):
    a = submitted(world, people)
    services.rate_duty_report(a, by=people.county_od, rating="good")
    services.start_duty_report(world.branch_a2, by=people.secretary_a2, year=year(), report="x")  # a draft
    submitted(world, people, org=world.branch_b, by=people.secretary_b)
    client = login(people.province_lg)
    page = text(client.get(reverse("accountability:duty_list")))
    assert "基层党组织 3 个：已提交述职 2，已评议 1，待评议 1" in page and "未提交 1" in page
    assert "评议等次：好 1，较好 0，一般 0，差 0" in page
    page = text(client.get(reverse("accountability:duty_list"), {"org": world.county_b.code}))
    assert "滦州村党支部" in page and "塔元庄村党支部" not in page
    page = text(client.get(reverse("accountability:duty_list"), {"status": "submitted"}))
    assert "滦州村党支部" in page and "塔元庄村党支部" not in page
    page = text(client.get(reverse("accountability:duty_list"), {"rating": "good"}))
    assert "塔元庄村党支部" in page and "滦州村党支部" not in page
    page = text(client.get(reverse("accountability:duty_list"), {"year": str(year() - 1)}))
    assert "没有符合条件的述职" in page
    missing = client.get(reverse("accountability:duty_missing"), {"year": str(year())})
    assert [o.name for o in missing.context["object_list"]] == ["正定镇中学党支部"]
    response = login(people.county_od).get(reverse("accountability:duty_list"), {"org": world.county_b.code})
    assert "未找到该组织，或不在您的管理范围内" in text(response)


def test_no_inline_script_or_style(world, people, login):
    duty = submitted(world, people)
    for user, url in (
        (people.secretary_a, reverse("accountability:home")),
        (people.secretary_a, reverse("accountability:duty_list")),
        (people.secretary_a, reverse("accountability:duty_missing")),
        (people.county_od, reverse("accountability:duty_detail", args=[duty.pk])),
    ):
        html = text(login(user).get(url))
        assert "style=" not in html and "<script>" not in html, url


def test_year_choices_reach_back_five_years(world, people, login):
    page = text(login(people.secretary_a).get(reverse("accountability:duty_start")))
    assert f'value="{year()}" selected' in page and f'value="{year() - 4}"' in page


def test_report_files_are_served_by_the_reports_own_rules(world, people, login, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    duty = services.start_duty_report(
        world.branch_a, by=people.secretary_a, year=year(), files=[pdf_upload("述职报告.pdf")]
    )
    url = reverse("campaign:attachment", args=[Attachment.objects.get().pk])
    assert login(people.secretary_a).get(url).status_code == 200
    assert login(people.county_od).get(url).status_code == 200
    assert login(people.county_b_od).get(url).status_code == 404
    assert login(people.member).get(url).status_code == 403
    page = text(login(people.county_od).get(reverse("accountability:duty_detail", args=[duty.pk])))
    assert "述职报告.pdf" in page
