"""What users see of background jobs (common.jobs): the broker down (no 500, a Chinese message, the work done
once it is back), a dead worker (the page says 失败 with the reason) and the owner's 重试 — on the import job
page, the decision documents, the tier run, the QR sheet batch and the dashboard; outgoing messages and the
daily reminders as jobs.

SQLite and eager Celery; "broker down" is the publish failing as kombu fails when Redis is stopped (the real
thing is in test_jobs_faults.py).
"""

import datetime

import kombu.exceptions
import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from common import jobs
from common.models import Job
from orgs.enums import Role
from orgs.io.columns import MEMBER_COLUMNS
from orgs.models import ImportJob, Member
from tests.factories import user_with_role
from tests.orgs.test_import import member_row, xlsx_bytes

pytestmark = pytest.mark.django_db

DEFERRED = "已提交；后台服务暂不可用，恢复后将自动处理"
INTERRUPTED = "处理进程意外中断，请重试"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def broker(monkeypatch):
    """``broker.down()`` / ``broker.up()``: publishing fails as with Redis stopped, or works (eagerly)."""

    class Broker:
        def down(self):
            def refuse(spec, job):
                raise kombu.exceptions.OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

            monkeypatch.setattr(jobs, "_send", refuse)

        def up(self):
            monkeypatch.undo()

    return Broker()


def sweep_later(minutes=2):
    return jobs.sweep(now=timezone.now() + datetime.timedelta(minutes=minutes))


def stale_running(job: Job, *, attempt=None):
    """The worker running ``job`` died: its heartbeat stopped long ago (and, with ``attempt``, at that attempt)."""
    long_ago = timezone.now() - datetime.timedelta(minutes=30)
    fields = {"state": Job.State.RUNNING, "started_at": long_ago, "heartbeat_at": long_ago}
    if attempt is not None:
        fields.update(attempt=attempt, max_attempts=attempt)
    Job.objects.filter(pk=job.pk).update(**fields)


def upload(client, rows, name="党员名单.xlsx"):
    content = xlsx_bytes(MEMBER_COLUMNS, rows)
    return client.post(reverse("orgs:import_list"), {"kind": "members", "file": SimpleUploadedFile(name, content)})


def text(response) -> str:
    return response.content.decode()


# --- the broker is down: upload, confirm, refresh -------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_upload_and_confirm_with_the_broker_down_commit_and_finish_later(world, login, broker):
    manager = user_with_role(world.county_a, Role.ORG_DEPARTMENT)
    client = login(manager)
    broker.down()
    response = upload(client, [member_row(1), member_row(2, 姓名="钱进")])
    assert response.status_code == 302
    upload_job = ImportJob.objects.get()
    page = client.get(response["Location"])
    assert DEFERRED in text(page)  # the message, and the job page's own notice
    assert text(page).count(DEFERRED) == 2
    assert upload_job.status == ImportJob.Status.UPLOADED
    background = jobs.latest(upload_job)
    assert (background.kind, background.state, background.owner) == ("orgs.validate_import", "pending", manager)

    assert sweep_later() == {"unpublished": 1}  # still down
    broker.up()
    assert sweep_later() == {"published": 1}
    upload_job.refresh_from_db()
    assert upload_job.status == ImportJob.Status.VALID
    assert DEFERRED not in text(client.get(response["Location"]))

    broker.down()
    response = client.post(reverse("orgs:import_apply", args=[upload_job.pk]), follow=True)
    assert response.status_code == 200 and DEFERRED in text(response)
    upload_job.refresh_from_db()
    assert upload_job.status == ImportJob.Status.APPLYING
    assert Member.objects.count() == 3
    broker.up()
    assert sweep_later() == {"published": 1}
    upload_job.refresh_from_db()
    assert upload_job.status == ImportJob.Status.DONE
    assert Member.objects.count() == 5
    kinds = set(Job.objects.values_list("kind", "state"))
    assert kinds == {("orgs.validate_import", "done"), ("orgs.apply_import", "done")}


@pytest.mark.django_db(transaction=True)
def test_dashboard_refresh_with_the_broker_down(world, campaign, login, broker):
    from dashboards.models import Snapshot

    user = user_with_role(world.province, Role.LEADING_GROUP)
    client = login(user)
    broker.down()
    node = reverse("dashboards:node", args=[world.province.code])
    response = client.post(reverse("dashboards:refresh"), {"next": node}, follow=True)
    assert response.status_code == 200 and DEFERRED in text(response)
    assert not Snapshot.objects.exists()
    # Pressed again while waiting: still one refresh to do.
    client.post(reverse("dashboards:refresh"), {"next": node})
    assert list(Job.objects.values_list("state", flat=True).order_by("id")) == ["superseded", "pending"]
    broker.up()
    assert sweep_later() == {"published": 1}
    assert Snapshot.objects.filter(status="done").count() == 1


@pytest.mark.django_db(transaction=True)
def test_tier_computation_and_qr_sheet_with_the_broker_down(world, login, broker, settings, seed_criteria):
    from evaluations.models import MassBatch, TierRun
    from tests.factories.evaluations_mass import mass_period
    from tests.factories.evaluations_scoring import make_period

    county = user_with_role(world.county_a, Role.ORG_DEPARTMENT)
    client = login(county)
    make_period(2011, code="y2011")
    broker.down()
    response = client.post(
        reverse("evaluations:scoring_tier_compute"), {"node": world.county_a.code, "period": "y2011"}, follow=True
    )
    assert response.status_code == 200 and DEFERRED in text(response)
    assert TierRun.objects.get().status == TierRun.Status.QUEUED

    settings.MASS_SHEET_ASYNC_TOKENS = 3
    period = mass_period()
    now = timezone.localtime()
    response = client.post(
        reverse("evaluations:mass_batch_create"),
        {
            "org_code": world.branch_a.code,
            "period": period.pk,
            "criteria_set": seed_criteria["five-good"].pk,
            "target": "org",
            "tokens_per_target": 4,
            "opens_at": (now - datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
            "closes_at": (now + datetime.timedelta(days=3)).strftime("%Y-%m-%dT%H:%M"),
            "title": "",
        },
        follow=True,
    )
    assert response.status_code == 200 and DEFERRED in text(response), text(response)[:3000]
    assert MassBatch.objects.get().status == "generating"
    broker.up()
    assert sweep_later() == {"published": 2}
    assert TierRun.objects.get().status == TierRun.Status.DONE
    assert MassBatch.objects.get().status == "ready"


# --- a dead worker; the owner's retry -------------------------------------------------------------------


def validated_import(world, client, capture):
    with capture(execute=True):
        upload(client, [member_row(1), member_row(2, 姓名="钱进")])
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.VALID
    return job


def test_a_failed_apply_shows_the_reason_and_a_retry_button_for_its_owner(
    world, login, client, monkeypatch, django_capture_on_commit_callbacks
):
    from orgs.io.members_import import MemberImporter

    manager = user_with_role(world.county_a, Role.ORG_DEPARTMENT)
    login(manager)
    job = validated_import(world, client, django_capture_on_commit_callbacks)

    def broken(self):
        raise RuntimeError("psycopg: column secret does not exist")

    monkeypatch.setattr(MemberImporter, "apply", broken)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("orgs:import_apply", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED
    background = jobs.latest(job, "orgs.apply_import")
    assert background.state == "failed"
    page = text(client.get(reverse("orgs:import_detail", args=[job.pk])))
    assert "处理失败，未写入任何数据" in page
    assert "导入时发生系统错误，未写入任何数据。请重试" in page
    assert "secret" not in page
    retry_url = reverse("common:job_retry", args=[background.pk])
    assert f'action="{retry_url}"' in page and "重试</button>" in page

    # Nobody else may retry it: another county's 组织部, or a colleague of the same county.
    for other in (user_with_role(world.county_b, Role.ORG_DEPARTMENT), user_with_role(world.county_a)):
        login(other)
        assert client.get(reverse("orgs:import_detail", args=[job.pk])).status_code == 404
        assert client.post(retry_url, {"next": "/"}).status_code == 404
    assert Job.objects.get(pk=background.pk).state == "failed"
    client.logout()
    assert client.post(retry_url).status_code == 302  # to the login page
    assert Job.objects.get(pk=background.pk).state == "failed"

    monkeypatch.undo()
    login(manager)
    assert client.get(retry_url).status_code == 405
    detail = reverse("orgs:import_detail", args=[job.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(retry_url, {"next": detail})
    assert response.status_code == 302 and response["Location"] == detail
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE and Member.objects.count() == 5
    page = client.get(detail)
    assert "已重新提交，处理完成后本页显示结果" in text(page) and "导入完成" in text(page)
    assert "重试</button>" not in text(page)
    background.refresh_from_db()
    assert (background.state, background.attempt) == ("done", 2)
    # A second press: nothing to retry; a foreign "next" is not followed.
    response = client.post(retry_url, {"next": "https://evil.example/"}, follow=True)
    assert response.redirect_chain[0][0] == "/" and "该任务当前不需要重试" in text(response)


def test_an_apply_whose_worker_died_resumes_then_fails_with_the_reason(
    world, login, client, django_capture_on_commit_callbacks
):
    manager = user_with_role(world.county_a, Role.ORG_DEPARTMENT)
    login(manager)
    job = validated_import(world, client, django_capture_on_commit_callbacks)
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.APPLYING)  # confirmed …
    background = jobs.enqueue("orgs.apply_import", owner=manager, target=job, import_job_id=job.pk)
    stale_running(background, attempt=3)  # … and its worker was killed, the third time
    assert sweep_later() == {"failed": 1}
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED
    assert job.errors == [{"row": None, "column": "", "message": INTERRUPTED}]
    assert Member.objects.count() == 3  # nothing half-written
    page = text(client.get(reverse("orgs:import_detail", args=[job.pk])))
    assert "导入失败" in page and INTERRUPTED in page and "重试</button>" in page
    assert "导入中" not in page


def test_a_check_whose_worker_died_is_resumed(world, login, client, django_capture_on_commit_callbacks):
    manager = user_with_role(world.county_a, Role.ORG_DEPARTMENT)
    client = login(manager)
    upload(client, [member_row(1)])  # published after a commit that never comes in this test: a worker took it …
    job = ImportJob.objects.get()
    background = jobs.latest(job)
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.VALIDATING, processed_rows=1)
    stale_running(background)
    assert sweep_later() == {"resumed": 1}
    job.refresh_from_db()
    background.refresh_from_db()
    assert (job.status, background.state, background.attempt) == (ImportJob.Status.VALID, "done", 2)
    # The first attempt's message, redelivered by Redis an hour later, changes nothing.
    from orgs.tasks import validate_import

    ImportJob.objects.filter(pk=job.pk).update(summary={"created": 99})
    validate_import.delay(job=background.pk, attempt=1)
    assert ImportJob.objects.get(pk=job.pk).summary == {"created": 99}


def test_a_failed_tier_run_shows_a_chinese_reason_and_retries(
    world, login, client, monkeypatch, django_capture_on_commit_callbacks
):
    from evaluations.models import TierRun
    from evaluations.services import tiers
    from tests.factories.evaluations_scoring import make_period

    county = user_with_role(world.county_a, Role.ORG_DEPARTMENT)
    login(county)
    make_period(2011, code="y2011")

    def broken(*args, **kwargs):
        raise ZeroDivisionError("division by zero in weights")

    monkeypatch.setattr(tiers, "compute_tiers", broken)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("evaluations:scoring_tier_compute"), {"node": world.county_a.code, "period": "y2011"}
        )
    run = TierRun.objects.get()
    assert run.status == TierRun.Status.FAILED and run.error.startswith("处理时发生系统错误")
    partial = text(client.get(reverse("evaluations:scoring_tier_run", args=[run.pk])))
    page = text(client.get(response["Location"]))
    for shown in (partial, page):
        assert "失败" in shown and "处理时发生系统错误" in shown and "division" not in shown
        assert "重试</button>" in shown
    background = jobs.latest(run)
    assert f"?period=y2011&amp;run={run.pk}" in partial  # back to the tiers page, not to the partial

    login(user_with_role(world.county_b, Role.ORG_DEPARTMENT))
    assert client.post(reverse("common:job_retry", args=[background.pk])).status_code == 404
    monkeypatch.undo()
    login(county)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("common:job_retry", args=[background.pk]), {"next": response["Location"]})
    run.refresh_from_db()
    assert (run.status, run.error) == (TierRun.Status.DONE, "")


def test_a_failed_qr_sheet_retries_from_the_batch_page(
    world, login, client, monkeypatch, settings, seed_criteria, django_capture_on_commit_callbacks
):
    from evaluations.models import MassBatch, MassToken
    from evaluations.services import mass
    from tests.factories.evaluations_mass import mass_period

    settings.MASS_SHEET_ASYNC_TOKENS = 3
    county = user_with_role(world.county_a, Role.ORG_DEPARTMENT)
    now = timezone.now()

    def broken(batch, cells):
        raise OSError("fontconfig: no fonts")

    monkeypatch.setattr(mass, "render_sheet", broken)
    with django_capture_on_commit_callbacks(execute=True):
        batch = mass.create_batch(
            world.branch_a,
            by=county,
            period=mass_period(),
            criteria_set=seed_criteria["five-good"],
            target="org",
            tokens_per_target=4,
            opens_at=now,
            closes_at=now + datetime.timedelta(days=3),
            base_url="http://testserver",
        )
    batch.refresh_from_db()
    assert batch.status == "failed" and not MassToken.objects.exists()
    login(county)
    page = text(client.get(reverse("evaluations:mass_batch", args=[batch.pk])))
    assert "二维码表生成失败：处理时发生系统错误" in page and "重试</button>" in page and "fontconfig" not in page
    colleague = user_with_role(world.county_a, Role.ORG_DEPARTMENT)
    login(colleague)
    page = text(client.get(reverse("evaluations:mass_batch", args=[batch.pk])))
    assert "二维码表生成失败，请重新创建批次" in page and "重试</button>" not in page

    monkeypatch.undo()
    login(county)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("common:job_retry", args=[jobs.latest(batch).pk]))
    batch = MassBatch.objects.get(pk=batch.pk)
    assert batch.status == "ready" and MassToken.objects.filter(batch=batch).count() == 4


def test_a_decision_whose_worker_died_can_be_generated_again(world, login, client, django_capture_on_commit_callbacks):
    from awards.models import Decision, DecisionStatus
    from awards.services import documents
    from tests.factories.awards_documents import approve_org, make_decision, make_round

    award_round = make_round(world.province, code="qiyi-2011", name="2011年“七一”集中表彰")
    approve_org(award_round, world.branch_a)
    decision = make_decision(award_round)
    province = user_with_role(world.province, Role.ORG_DEPARTMENT)
    documents.request_generation(decision, by=province)  # its publish is never run: the worker took it …
    background = jobs.latest(decision)
    Decision.objects.filter(pk=decision.pk).update(status=DecisionStatus.GENERATING, started_at=timezone.now())
    stale_running(background, attempt=3)  # … and died three times
    assert sweep_later() == {"failed": 1}
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.FAILED and decision.error == INTERRUPTED
    login(province)
    status = text(client.get(reverse("awards:decision_status", args=[award_round.code])))
    assert "文件生成失败" in status and "生成文件</button>" in status and "hx-trigger" not in status
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("awards:decision_generate", args=[award_round.code]))
    decision.refresh_from_db()
    assert (decision.status, decision.generation) == (DecisionStatus.READY, 2)
    background.refresh_from_db()
    assert background.state == "superseded"  # the old generation's job: a late message of it does nothing
    assert jobs.latest(decision).state == "done"


def test_an_interrupted_decision_generation_resumes(world, django_capture_on_commit_callbacks):
    from awards.models import Decision, DecisionStatus
    from awards.services import documents
    from tests.factories.awards_documents import approve_org, make_decision, make_round

    award_round = make_round(world.province, code="qiyi-2011", name="2011年“七一”集中表彰")
    approve_org(award_round, world.branch_a)
    decision = make_decision(award_round)
    documents.request_generation(decision, by=user_with_role(world.province, Role.ORG_DEPARTMENT))
    Decision.objects.filter(pk=decision.pk).update(status=DecisionStatus.GENERATING, started_at=timezone.now())
    stale_running(jobs.latest(decision))
    assert sweep_later() == {"resumed": 1}
    assert Decision.objects.get(pk=decision.pk).status == DecisionStatus.READY


def test_a_failed_dashboard_refresh_is_shown_with_a_retry_button(
    world, campaign, login, client, monkeypatch, django_capture_on_commit_callbacks
):
    from dashboards import services
    from dashboards.models import Snapshot

    earlier = services.refresh(campaign)  # an earlier refresh that worked
    read_before = earlier.data_at
    user = user_with_role(world.province, Role.LEADING_GROUP)
    login(user)

    def broken(*args, **kwargs):
        raise MemoryError("out of memory")

    monkeypatch.setattr(services, "refresh", broken)
    node = reverse("dashboards:node", args=[world.province.code])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("dashboards:refresh"), {"next": node})
    background = jobs.latest(campaign, "dashboards.refresh")
    assert background.state == "failed"
    page = text(client.get(node))
    assert "后台处理失败：处理时发生系统错误" in page and "重试</button>" in page
    login(user_with_role(world.province, Role.ORG_DEPARTMENT))
    page = text(client.get(node))
    assert "后台处理失败" in page and "重试</button>" not in page  # only its owner retries; they may refresh anew

    monkeypatch.undo()
    login(user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("common:job_retry", args=[background.pk]), {"next": node})
    background.refresh_from_db()
    assert background.state == "done"
    # the same day's snapshot is brought up to date in place (a live update), its figures read anew
    assert Snapshot.objects.get(status="done").data_at > read_before
    assert "后台处理失败" not in text(client.get(node))


def test_a_refresh_whose_worker_died_leaves_no_snapshot_running(world, campaign):
    from dashboards.models import Snapshot

    background = jobs.enqueue("dashboards.refresh", target=campaign, campaign_id=campaign.pk)
    stale_running(background, attempt=3)
    orphan = Snapshot.objects.create(campaign=campaign, as_of=timezone.localdate())  # 计算中, half-written
    assert sweep_later() == {"failed": 1}
    orphan.refresh_from_db()
    assert (orphan.status, orphan.error) == ("failed", INTERRUPTED)


# --- outgoing messages and the daily reminders ---------------------------------------------------------


def test_messages_wait_for_the_broker_and_stuck_ones_are_rescued(
    world, broker, settings, django_capture_on_commit_callbacks
):
    from campaign.enums import Channel
    from campaign.models import OutgoingMessage
    from campaign.services.notifications import notify

    user = user_with_role(world.county_a, Role.ORG_DEPARTMENT, email="zuzhibu@example.com")
    broker.down()
    with django_capture_on_commit_callbacks(execute=True):
        notify([user], title="请按时提交", body="本月底前", channels=[Channel.INBOX, Channel.EMAIL])
    message = OutgoingMessage.objects.get()
    assert message.status == "pending" and mail.outbox == []
    assert Job.objects.get().kwargs == {"message_ids": [message.pk]}
    broker.up()
    assert sweep_later() == {"published": 1}
    assert len(mail.outbox) == 1 and OutgoingMessage.objects.get().status == "sent"

    # A message still waiting long after it was written (its retry could not be queued) is sent again, once.
    stuck = OutgoingMessage.objects.create(channel=Channel.EMAIL, recipient="a@example.com", subject="x", body="y")
    OutgoingMessage.objects.filter(pk=stuck.pk).update(
        created_at=timezone.now() - datetime.timedelta(seconds=settings.OUTGOING_STUCK_AFTER + 60)
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert sweep_later() == {"messages_rescued": 1}
    assert OutgoingMessage.objects.get(pk=stuck.pk).status == "sent" and len(mail.outbox) == 2
    assert sweep_later() == {}  # nothing left, and no second rescue this soon


def test_the_daily_reminders_run_as_a_job_without_an_owner(world, campaign):
    from campaign.tasks import daily_reminders

    stats = daily_reminders.delay(day=timezone.localdate().isoformat()).get()
    assert stats["campaigns"] == 1
    job = Job.objects.get(kind="campaign.daily_reminders")
    assert (job.state, job.owner, job.kwargs["day"]) == ("done", None, timezone.localdate().isoformat())
