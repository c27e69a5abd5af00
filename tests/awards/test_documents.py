"""The decision's page, its generation through the Celery task (eager in tests), the downloads and
the permission matrix of the documents area."""

import datetime
import io
import subprocess

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from awards.models import Decision, DecisionStatus
from awards.services import documents as services
from orgs.enums import Role
from tests.factories import UserFactory, user_with_role
from tests.factories.awards_documents import approve_member, approve_org, make_decision, make_round

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def people(world):
    class People:
        province = user_with_role(world.province, Role.ORG_DEPARTMENT, full_name="省委组织部")
        province_lead = user_with_role(world.province, Role.LEADING_GROUP, full_name="省领导小组")
        city = user_with_role(world.city_a, Role.ORG_DEPARTMENT, full_name="石家庄市委组织部")
        city_lead = user_with_role(world.city_a, Role.LEADING_GROUP, full_name="石家庄市领导小组")
        city_b = user_with_role(world.city_b, Role.ORG_DEPARTMENT, full_name="唐山市委组织部")
        county = user_with_role(world.county_a, Role.ORG_DEPARTMENT, full_name="正定县委组织部")
        secretary = user_with_role(world.branch_a, Role.SECRETARY, full_name="村支书")
        supervisor = user_with_role(world.city_a, Role.SECTOR_SUPERVISOR, sector="rural", full_name="农业条")

    return People


@pytest.fixture
def province_round(world):
    """The province's round with a final list across both cities."""
    award_round = make_round(world.province, code="qiyi-2011", name="2011年“七一”集中表彰")
    approve_org(award_round, world.branch_b)
    approve_org(award_round, world.branch_a)
    approve_member(award_round, world.branch_b, name="王志远")
    approve_member(award_round, world.branch_a, name="张建设")
    approve_member(award_round, world.branch_a2, name="李秀梅", code="excellent_worker", post="组织委员")
    return award_round


@pytest.fixture
def city_round(world):
    """A round owned by the first city (the second city must never see it)."""
    award_round = make_round(world.city_a, code="sjz-2011", name="石家庄市集中表彰")
    approve_member(award_round, world.branch_a, name="赵市表")
    return award_round


def pdftext(data: bytes) -> str:
    out = subprocess.run(["pdftotext", "-raw", "-", "-"], input=data, capture_output=True, check=True).stdout
    return "".join(out.decode().split())


def body(response) -> bytes:
    return b"".join(response.streaming_content)


# ----- the decision's text -----


def test_owner_writes_the_decision_with_a_checked_document_number(world, people, province_round, login):
    client = login(people.province)
    url = reverse("awards:decision_edit", args=[province_round.code])
    page = client.get(url)
    assert page.status_code == 200
    # A first draft from the round's categories.
    assert "中共河北省委关于表彰全省创先争优活动先进基层党组织、优秀共产党员、优秀党务工作者的决定" in page.text
    data = {
        "masthead": "中共河北省委文件",
        "doc_number": "冀创组[2011]8号",
        "issuing_body": "中共河北省委",
        "title": "中共河北省委关于表彰……的决定",
        "addressee": "各市委：",
        "body": "第一段\n第二段",
        "attachment_title": "名单",
        "signed_on": "2011-06-28",
    }
    bad = client.post(url, data)
    assert bad.status_code == 200
    assert "发文字号格式应为“冀创组〔2011〕8号”" in bad.text
    assert not Decision.objects.exists()
    good = client.post(url, {**data, "doc_number": "冀创组〔2011〕8号"})
    assert good.status_code == 302
    decision = Decision.objects.get(award_round=province_round)
    assert decision.doc_number == "冀创组〔2011〕8号"
    assert decision.created_by == people.province
    detail = client.get(reverse("awards:decision", args=[province_round.code]))
    assert "冀创组〔2011〕8号" in detail.text
    assert "终审名单：5 个批准表彰的对象" in detail.text
    assert "生成文件" in detail.text


def test_document_number_is_unique(world, people, province_round, city_round, login):
    make_decision(city_round, doc_number="冀创组〔2011〕8号")
    client = login(people.province)
    response = client.post(
        reverse("awards:decision_edit", args=[province_round.code]),
        {
            "masthead": "中共河北省委文件",
            "doc_number": "冀创组〔2011〕8号",
            "issuing_body": "中共河北省委",
            "title": "决定",
            "body": "正文",
            "attachment_title": "名单",
            "signed_on": "2011-06-28",
        },
    )
    assert "该发文字号已被另一份表彰决定使用" in response.text
    assert not Decision.objects.filter(award_round=province_round).exists()


# ----- generation through the task -----


def test_generate_renders_all_three_files_through_the_task(
    world, people, province_round, login, django_capture_on_commit_callbacks
):
    decision = make_decision(province_round, doc_number="冀创组〔2011〕8号")
    client = login(people.province)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(reverse("awards:decision_generate", args=[province_round.code]))
    assert response.status_code == 302
    assert len(callbacks) == 1
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.READY
    assert decision.progress == 100
    assert decision.list_count == 5
    assert decision.generation == 1

    page = client.get(reverse("awards:decision", args=[province_round.code]))
    assert reverse("awards:decision_pdf", args=[province_round.code]) in page.text
    assert "hx-trigger" not in page.text  # finished: no polling

    pdf_response = client.get(reverse("awards:decision_pdf", args=[province_round.code]))
    assert pdf_response.status_code == 200
    assert pdf_response["Content-Type"] == "application/pdf"
    assert "attachment" in pdf_response["Content-Disposition"]
    text = pdftext(body(pdf_response))
    assert "冀创组〔2011〕8号" in text
    # The final list's order: city (石家庄 before 唐山), then category, then name.
    order = ["石家庄市", "塔元庄村党支部", "张建设", "李秀梅", "唐山市", "滦州村党支部", "王志远"]
    positions = [text.index(name) for name in order]
    assert positions == sorted(positions)
    assert "张建设（塔元庄村党支部党支部书记）" in text

    certificates = client.get(reverse("awards:decision_certificates", args=[province_round.code]))
    assert certificates["Content-Type"] == "application/pdf"
    info = subprocess.run(["pdfinfo", "-"], input=body(certificates), capture_output=True, check=True).stdout
    assert b"Pages:           5" in info

    xlsx = client.get(reverse("awards:decision_xlsx", args=[province_round.code]))
    assert xlsx["Content-Type"] == XLSX
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(body(xlsx)), read_only=True).active
    rows = [list(r) for r in sheet.iter_rows(values_only=True)][2:]
    assert [r[2] for r in rows] == ["塔元庄村党支部", "张建设", "李秀梅", "滦州村党支部", "王志远"]
    assert rows[1] == ["石家庄市", "优秀共产党员", "张建设", "塔元庄村党支部", "党支部书记"]


def test_certificate_step_moves_the_progress_bar(world, people, province_round, login, monkeypatch):
    """While the certificates are made the stored progress climbs from the decision's step (55 %) to the
    certificates' (90 %), so the polling page shows it; the file then has one page per name, each name's text
    on its page."""
    from awards import pdf_certificates

    monkeypatch.setattr(pdf_certificates, "PROGRESS_EVERY", 2)
    decision = make_decision(province_round)
    Decision.objects.filter(pk=decision.pk).update(status=DecisionStatus.QUEUED, generation=1)
    seen = []
    real_progress = services._progress

    def watch(decision_id, generation, value):
        real_progress(decision_id, generation, value)
        seen.append(Decision.objects.get(pk=decision_id).progress)  # what the polling page reads now

    monkeypatch.setattr(services, "_progress", watch)
    services.generate_documents(decision.pk, 1)
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.READY
    certificate_steps = [v for v in seen if services.STEP_DECISION < v < services.STEP_CERTIFICATES]
    assert certificate_steps == sorted(certificate_steps) and len(certificate_steps) >= 2
    assert seen == sorted(seen) and seen[-1] == services.STEP_XLSX

    client = login(people.province)
    data = body(client.get(reverse("awards:decision_certificates", args=[province_round.code])))
    pages = subprocess.run(["pdftotext", "-raw", "-", "-"], input=data, capture_output=True, check=True).stdout
    pages = ["".join(page.split()) for page in pages.decode().split("\f")][:5]
    names = ["塔元庄村党支部：", "张建设同志：", "李秀梅同志：", "滦州村党支部：", "王志远同志："]
    assert [name for name, page in zip(names, pages, strict=True) if name in page] == names


def test_task_is_safe_to_run_twice_and_drops_superseded_output(world, people, province_round):
    decision = make_decision(province_round)
    decision.status, decision.generation = DecisionStatus.QUEUED, 1
    decision.save()
    services.generate_documents(decision.pk, 1)
    decision.refresh_from_db()
    first = decision.decision_file.name
    assert decision.status == DecisionStatus.READY and first
    services.generate_documents(decision.pk, 1)  # a redelivered message: nothing happens
    decision.refresh_from_db()
    assert decision.decision_file.name == first

    # A message of an older request arriving after a newer one was queued: it renders nothing.
    Decision.objects.filter(pk=decision.pk).update(status=DecisionStatus.QUEUED, generation=2)
    services.generate_documents(decision.pk, 1)
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.QUEUED
    assert decision.decision_file.name == first
    # While queued or generating the text cannot change under the task.
    with pytest.raises(ValidationError):
        services.save_decision(province_round, by=people.province, title="新标题")


def test_edit_makes_files_stale(world, people, province_round, login, django_capture_on_commit_callbacks):
    decision = make_decision(province_round)
    with django_capture_on_commit_callbacks(execute=True):
        services.request_generation(decision, by=people.province)
    decision.refresh_from_db()
    assert decision.ready
    storage = decision.decision_file.storage
    old = decision.decision_file.name
    with django_capture_on_commit_callbacks(execute=True):
        services.save_decision(province_round, by=people.province, doc_number="冀创组〔2011〕9号")
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.DRAFT and not decision.decision_file
    assert not storage.exists(old)
    client = login(people.province)
    assert client.get(reverse("awards:decision_pdf", args=[province_round.code])).status_code == 404


def test_generation_refused_for_an_empty_list_and_while_running(world, people, login):
    award_round = make_round(world.province, code="empty-round")
    decision = make_decision(award_round)
    client = login(people.province)
    response = client.post(reverse("awards:decision_generate", args=[award_round.code]), follow=True)
    assert "终审名单中还没有批准表彰的对象，不能生成文件" in response.text
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.DRAFT


def test_progress_bar_polls_while_running(world, people, province_round, login):
    decision = make_decision(province_round)
    Decision.objects.filter(pk=decision.pk).update(
        status=DecisionStatus.GENERATING, progress=55, started_at=timezone.now()
    )
    client = login(people.province)
    response = client.get(reverse("awards:decision_status", args=[province_round.code]))
    assert response.status_code == 200
    assert 'hx-trigger="every 1s"' in response.text
    assert '<progress class="w-100" max="100" value="55"' in response.text
    assert "生成中……已完成 55%" in response.text
    assert "生成文件</button>" not in response.text
    refused = client.post(reverse("awards:decision_generate", args=[province_round.code]), follow=True)
    assert "文件正在生成，请稍候" in refused.text


def test_failure_is_recorded(world, people, province_round, monkeypatch):
    decision = make_decision(province_round)
    Decision.objects.filter(pk=decision.pk).update(status=DecisionStatus.QUEUED, generation=1)

    def broken(*args, **kwargs):
        raise RuntimeError("字体缺失")

    monkeypatch.setattr(services.pdf, "render_decision", broken)
    services.generate_documents(decision.pk, 1)
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.FAILED
    # the page shows a Chinese reason; the exception's own text stays in the log
    assert decision.error.startswith("生成失败：排版文件时出错")
    assert "字体缺失" not in decision.error


# ----- permissions -----

READ_URLS = ["awards:decision", "awards:decision_status", "awards:decision_pdf"]
READ_URLS += ["awards:decision_certificates", "awards:decision_xlsx"]
MANAGE_URLS = ["awards:decision_edit"]


@pytest.fixture
def ready_city_round(city_round, people, django_capture_on_commit_callbacks):
    decision = make_decision(city_round)
    with django_capture_on_commit_callbacks(execute=True):
        services.request_generation(decision, by=people.city)
    return city_round


@pytest.mark.parametrize("name", READ_URLS + MANAGE_URLS + ["awards:exemplar_list"])
def test_anonymous_goes_to_login(client, ready_city_round, name):
    response = client.get(reverse(name, args=[ready_city_round.code]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("city_b", {"read": 404, "manage": 404}),  # the other city's subtree
        ("secretary", {"read": 403, "manage": 403}),
        ("supervisor", {"read": 403, "manage": 403}),
        ("city_lead", {"read": 200, "manage": 403}),
        ("province_lead", {"read": 200, "manage": 403}),
        ("county", {"read": 200, "manage": 403}),  # under the owner: receives the decision
        ("city", {"read": 200, "manage": 200}),
        ("province", {"read": 200, "manage": 200}),  # covers the owner
    ],
)
def test_permission_matrix(ready_city_round, people, login, who, expected):
    client = login(getattr(people, who))
    for name in READ_URLS:
        assert client.get(reverse(name, args=[ready_city_round.code])).status_code == expected["read"], name
    for name in MANAGE_URLS:
        assert client.get(reverse(name, args=[ready_city_round.code])).status_code == expected["manage"], name
    generate = client.post(reverse("awards:decision_generate", args=[ready_city_round.code]))
    assert generate.status_code == (302 if expected["manage"] == 200 else expected["manage"])


def test_user_without_role_gets_403_on_the_list(world, login):
    client = login(UserFactory())
    assert client.get(reverse("awards:document_list")).status_code == 403


def test_document_list_shows_only_rounds_in_reach(world, people, province_round, city_round, login):
    make_decision(city_round, doc_number="冀石创〔2011〕3号")
    page = login(people.city_b).get(reverse("awards:document_list"))
    assert page.status_code == 200
    assert "2011年“七一”集中表彰" in page.text
    assert "石家庄市集中表彰" not in page.text
    assert "冀石创〔2011〕3号" not in page.text
    own = login(people.city).get(reverse("awards:document_list"))
    assert "石家庄市集中表彰" in own.text and "冀石创〔2011〕3号" in own.text


def test_document_list_query_count_is_flat(world, people, login, django_assert_max_num_queries):
    client = login(people.province)
    make_decision(make_round(world.province, code="r-0"))
    client.get(reverse("awards:document_list"))
    with django_assert_max_num_queries(8) as one:
        client.get(reverse("awards:document_list"))
    for i in range(1, 30):
        award_round = make_round(world.city_a if i % 2 else world.province, code=f"r-{i}")
        make_decision(award_round)
    with django_assert_max_num_queries(len(one.captured_queries)) as many:
        response = client.get(reverse("awards:document_list"))
    assert response.text.count("冀创组〔2011〕") == 30
    assert len(many.captured_queries) == len(one.captured_queries)


def test_a_task_stuck_past_the_time_limit_can_be_requested_again(
    world, people, province_round, settings, django_capture_on_commit_callbacks
):
    decision = make_decision(province_round)
    long_ago = timezone.now() - datetime.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 60)
    Decision.objects.filter(pk=decision.pk).update(status=DecisionStatus.GENERATING, generation=1, started_at=long_ago)
    decision.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        services.request_generation(decision, by=people.province)
    decision.refresh_from_db()
    assert (decision.status, decision.generation, decision.progress) == (DecisionStatus.READY, 2, 100)


def test_first_draft_follows_the_owner(world, people):
    city_round = make_round(world.city_a, code="sjz-draft")
    values = services.initial_values(city_round)
    assert values["masthead"] == "中共石家庄市委文件"
    assert values["issuing_body"] == "中共石家庄市委"
    assert values["title"].startswith("中共石家庄市委关于表彰全市创先争优活动先进基层党组织")
    assert values["addressee"] == ""
    assert values["signed_on"] == city_round.decision_date
