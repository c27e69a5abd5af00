"""Delivery of e-mail/SMS (exactly once), the SMS adapter, and the daily reminders (idempotent, set-based)."""

import datetime
import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from campaign import sms
from campaign.enums import Channel
from campaign.models import Notification, OutgoingMessage, ReminderDelivery
from campaign.services import reminders
from campaign.services.delivery import MAX_ATTEMPTS, send_message
from campaign.services.reminders import decide, run_daily_reminders
from campaign.services.timeline import mark_done
from campaign.tasks import daily_reminders, send_outgoing
from orgs.enums import Role
from orgs.models import Org
from tests.factories import make_org, user_with_role

pytestmark = pytest.mark.django_db

ORG, SUPERIOR = ReminderDelivery.Audience.ORG, ReminderDelivery.Audience.SUPERIOR


@pytest.fixture(autouse=True)
def locmem_sms(settings):
    settings.SMS_BACKEND = "campaign.sms.LocmemBackend"
    sms.outbox.clear()
    yield
    sms.outbox.clear()


# --- delivery -------------------------------------------------------------------------------------------------------


def _message(channel, recipient, **extra):
    return OutgoingMessage.objects.create(
        channel=channel, recipient=recipient, subject="提醒", body="请按时完成", **extra
    )


def test_email_is_sent_once_even_when_called_twice():
    message = _message(Channel.EMAIL, "shuji@example.org")
    assert send_message(message.pk) == "sent"
    assert send_message(message.pk) == "sent"
    assert len(mail.outbox) == 1
    assert (mail.outbox[0].to, mail.outbox[0].subject, mail.outbox[0].body) == (
        ["shuji@example.org"],
        "提醒",
        "请按时完成",
    )
    assert mail.outbox[0].from_email == settings.DEFAULT_FROM_EMAIL
    message.refresh_from_db()
    assert (message.status, message.attempts, message.last_error) == ("sent", 1, "")
    assert message.sent_at is not None


def test_sms_through_the_locmem_backend_once():
    message = _message(Channel.SMS, "13911110001")
    send_outgoing.delay(message_id=message.pk)
    send_outgoing.delay(message_id=message.pk)
    assert sms.outbox == [sms.SMS("13911110001", "请按时完成")]
    assert send_message(999_999) == "skipped"


class FlakyBackend(sms.BaseBackend):
    """A gateway that is down for the first ``failures`` messages."""

    failures = 0

    def send(self, mobile, text):
        if FlakyBackend.failures > 0:
            FlakyBackend.failures -= 1
            raise sms.TransientSMSError("gateway unreachable: connection refused")
        sms.outbox.append(sms.SMS(mobile, text))


class RefusingBackend(sms.BaseBackend):
    def send(self, mobile, text):
        raise sms.SMSError("gateway refused the message: 400")


def test_transient_error_is_recorded_and_raised_for_retry(settings):
    settings.SMS_BACKEND = "tests.campaign.test_reminders.FlakyBackend"
    FlakyBackend.failures = 1
    message = _message(Channel.SMS, "13911110001")
    with pytest.raises(sms.TransientSMSError):
        send_message(message.pk)
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("pending", 1)
    assert message.last_error == "TransientSMSError: gateway unreachable: connection refused"
    assert send_message(message.pk) == "sent"
    message.refresh_from_db()
    assert (message.status, message.attempts, message.last_error) == ("sent", 2, "")
    assert len(sms.outbox) == 1


@pytest.fixture
def eager_retries():
    """Eager tasks normally re-raise Celery's Retry; let them retry in-process as a worker would."""
    from config.celery import app

    before = app.conf.task_eager_propagates
    app.conf.task_eager_propagates = False
    yield
    app.conf.task_eager_propagates = before


def test_task_retries_transient_errors_then_sends(settings, eager_retries):
    settings.SMS_BACKEND = "tests.campaign.test_reminders.FlakyBackend"
    FlakyBackend.failures = 2
    message = _message(Channel.SMS, "13911110001")
    send_outgoing.delay(message_id=message.pk)  # eager: the retries run at once
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("sent", 3)
    assert len(sms.outbox) == 1


def test_gives_up_after_max_attempts(settings, eager_retries):
    settings.SMS_BACKEND = "tests.campaign.test_reminders.FlakyBackend"
    FlakyBackend.failures = 100
    message = _message(Channel.SMS, "13911110001")
    send_outgoing.delay(message_id=message.pk)
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("failed", MAX_ATTEMPTS)
    FlakyBackend.failures = 0
    assert send_message(message.pk) == "failed"  # never retried again
    assert sms.outbox == []


def test_permanent_error_fails_without_retry(settings):
    settings.SMS_BACKEND = "tests.campaign.test_reminders.RefusingBackend"
    message = _message(Channel.SMS, "13911110001")
    assert send_outgoing.delay(message_id=message.pk).get() == "failed"
    message.refresh_from_db()
    assert (message.status, message.attempts, message.last_error) == (
        "failed",
        1,
        "SMSError: gateway refused the message: 400",
    )


class _Gateway(BaseHTTPRequestHandler):
    received: list = []
    status = 200

    def do_POST(self):  # noqa: N802  (http.server's naming)
        body = self.rfile.read(int(self.headers["Content-Length"]))
        _Gateway.received.append((self.headers["Authorization"], self.headers["Content-Type"], json.loads(body)))
        self.send_response(_Gateway.status)
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args):
        pass


@pytest.fixture
def gateway():
    """A gateway on the loopback interface (no network): records what it receives."""
    server = HTTPServer(("127.0.0.1", 0), _Gateway)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _Gateway.received, _Gateway.status = [], 200
    yield f"http://127.0.0.1:{server.server_port}/sms"
    server.shutdown()
    server.server_close()


def test_http_gateway_backend_posts_json(settings, gateway):
    settings.SMS_GATEWAY_INTRANET_HTTP = True  # the test gateway speaks plain http on loopback
    settings.SMS_BACKEND = "campaign.sms.HttpGatewayBackend"
    settings.SMS_GATEWAY_URL = gateway
    settings.SMS_GATEWAY_TOKEN = "secret-token"
    message = _message(Channel.SMS, "13911110001")
    assert send_message(message.pk) == "sent"
    assert _Gateway.received == [
        ("Bearer secret-token", "application/json; charset=utf-8", {"mobile": "13911110001", "text": "请按时完成"})
    ]
    _Gateway.status = 503
    busy = _message(Channel.SMS, "13911110002")
    with pytest.raises(sms.TransientSMSError):
        send_message(busy.pk)
    _Gateway.status = 400
    refused = _message(Channel.SMS, "13911110003")
    assert send_message(refused.pk) == "failed"


def test_http_gateway_unreachable_is_transient(settings):
    settings.SMS_GATEWAY_INTRANET_HTTP = True
    settings.SMS_GATEWAY_URL = "http://127.0.0.1:9/sms"  # discard port: connection refused
    with pytest.raises(sms.TransientSMSError):
        sms.HttpGatewayBackend(timeout=2).send("13911110001", "x")
    settings.SMS_GATEWAY_URL = ""
    with pytest.raises(sms.SMSError):
        sms.HttpGatewayBackend()


@pytest.mark.parametrize("url", ["http://sms.example.gov.cn/send", "ftp://sms/send", "file:///etc/passwd"])
def test_gateway_refuses_anything_but_https_by_default(settings, url):
    settings.SMS_GATEWAY_URL = url
    with pytest.raises(sms.SMSError, match="must start with https://$"):
        sms.HttpGatewayBackend()
    settings.SMS_GATEWAY_URL = "https://sms.example.gov.cn/send"
    assert sms.HttpGatewayBackend().url == "https://sms.example.gov.cn/send"


def test_intranet_setting_allows_http_but_no_other_scheme(settings):
    settings.SMS_GATEWAY_INTRANET_HTTP = True
    settings.SMS_GATEWAY_URL = "http://10.0.0.8/sms"
    assert sms.HttpGatewayBackend().url == "http://10.0.0.8/sms"
    settings.SMS_GATEWAY_URL = "file:///etc/passwd"
    with pytest.raises(sms.SMSError):
        sms.HttpGatewayBackend()


def test_console_backend_prints(capsys):
    sms.ConsoleBackend().send("13911110001", "测试短信")
    assert "[SMS to 13911110001] 测试短信" in capsys.readouterr().out


# --- reminders ------------------------------------------------------------------------------------------------------


@pytest.fixture
def staff(world):
    """Who is told: secretaries of the branches, 组织部 of the county A, city B and the province."""
    return {
        "sec_a": user_with_role(world.branch_a, Role.SECRETARY, email="a@example.org", mobile="13900000001"),
        "sec_a2": user_with_role(world.branch_a2, Role.SECRETARY),
        "sec_b": user_with_role(world.branch_b, Role.SECRETARY, mobile="13900000003"),
        "member_a": user_with_role(world.branch_a, Role.MEMBER, email="m@example.org"),
        "county_a": user_with_role(world.county_a, Role.ORG_DEPARTMENT, email="county@example.org"),
        "city_b": user_with_role(world.city_b, Role.ORG_DEPARTMENT),
        "province": user_with_role(world.province, Role.ORG_DEPARTMENT),
    }


def _rows(milestone, offset=None, audience=ORG):
    qs = ReminderDelivery.objects.filter(milestone=milestone, audience=audience)
    if offset is not None:
        qs = qs.filter(offset=offset)
    return sorted(qs.values_list("org__name", "offset"))


def _titles(user):
    return sorted(Notification.objects.filter(user=user).values_list("title", flat=True))


def test_offsets_7_3_1_and_overdue(world, campaign, staff, django_capture_on_commit_callbacks):
    plan = campaign.milestones.get(code="plan")
    due = plan.due_date
    mark_done(campaign, "plan", world.branch_a2)  # done: never reminded
    branches = [("塔元庄村党支部",), ("滦州村党支部",)]

    for offset in (7, 3, 1):
        with django_capture_on_commit_callbacks(execute=True):
            stats = run_daily_reminders(due - datetime.timedelta(days=offset))
        assert [(name,) for name, _ in _rows(plan, offset)] == branches
        assert stats["milestones"] == 4  # mobilize, plan, study, report_upward share the due date
    # one digest a day naming both basic milestones due (制定方案, 组织学习), not one message per milestone
    assert _titles(staff["sec_a"]) == ["提醒：“制定方案”等2项节点任务待办理"] * 3
    note = Notification.objects.filter(user=staff["sec_a"], body__contains="还有3天到期").get()
    link = f"/campaign/timeline/{campaign.code}/"
    assert note.body == (
        f"塔元庄村党支部：测试活动的节点任务“制定方案”应于{due.isoformat()}前完成，还有3天到期，目前尚未登记完成。"
        f"链接：{link}\n"
        f"塔元庄村党支部：测试活动的节点任务“组织学习”应于{due.isoformat()}前完成，还有3天到期，目前尚未登记完成。"
        f"链接：{link}\n"
        "请抓紧办理，完成后及时登记。"
    )
    assert note.url == link
    # 制定方案 done: only 组织学习 is left, a digest of one item keeps the item's own title
    assert _titles(staff["sec_a2"]) == sorted(f"提醒：“组织学习”还有{n}天到期" for n in (7, 3, 1))
    assert not Notification.objects.filter(user=staff["sec_a2"], body__contains="制定方案").exists()
    assert not Notification.objects.filter(user=staff["member_a"]).exists()  # members are not told
    # the county's 组织部 is told about the county's own milestones (动员部署), not about the branches' plans
    assert _titles(staff["county_a"]) == sorted(f"提醒：“动员部署”还有{n}天到期" for n in (7, 3, 1))

    # nothing in between
    run_daily_reminders(due - datetime.timedelta(days=5))
    assert ReminderDelivery.objects.filter(milestone=plan).count() == 6

    # overdue: the org again, and the nearest 组织部 above it
    with django_capture_on_commit_callbacks(execute=True):
        run_daily_reminders(due + datetime.timedelta(days=1))
    assert _rows(plan, -1) == [("塔元庄村党支部", -1), ("滦州村党支部", -1)]
    assert _rows(plan, -1, SUPERIOR) == [("塔元庄村党支部", -1), ("滦州村党支部", -1)]
    overdue = Notification.objects.filter(user=staff["sec_a"], body__contains="已逾期1天").get()
    assert overdue.title == "提醒：“制定方案”等2项节点任务待办理"
    assert f"“制定方案”应于{due.isoformat()}前完成，已逾期1天" in overdue.body
    # one summary a day per superior 组织部 user, a line per overdue milestone (制定方案, 组织学习)
    superior = Notification.objects.get(user=staff["county_a"], title__startswith="下级组织逾期")
    assert superior.title == "下级组织逾期：“制定方案”等2项节点任务"
    plan_line, study_line = superior.body.splitlines()
    assert plan_line == f"您所辖的1个组织未在{due.isoformat()}前完成“制定方案”（如塔元庄村党支部），请督促办理。"
    assert study_line.startswith(f"您所辖的2个组织未在{due.isoformat()}前完成“组织学习”")
    assert superior.url == f"/campaign/timeline/milestones/{plan.pk}/"
    assert (
        Notification.objects.get(user=staff["city_b"], title__startswith="下级组织逾期").body.count("滦州村党支部") == 2
    )
    # the province has closer 组织部 below it for both branches; the county itself is overdue for 动员部署: its
    # superior is the province (city A has no 组织部 account)
    province = Notification.objects.get(user=staff["province"], title__startswith="下级组织逾期")
    assert province.title.startswith("下级组织逾期：“动员部署”") and "制定方案" not in province.body

    # overdue is once: the next days add nothing
    before = Notification.objects.count()
    run_daily_reminders(due + datetime.timedelta(days=2))
    run_daily_reminders(due + datetime.timedelta(days=20))
    assert Notification.objects.count() == before
    assert ReminderDelivery.objects.filter(milestone=plan).count() == 10


def test_email_and_sms_go_out_once(world, campaign, staff, django_capture_on_commit_callbacks):
    plan = campaign.milestones.get(code="plan")
    day = plan.due_date - datetime.timedelta(days=7)
    with django_capture_on_commit_callbacks(execute=True):
        first = run_daily_reminders(day)
    plan_mails = [m for m in mail.outbox if "制定方案" in m.body]
    assert [m.to for m in plan_mails] == [["a@example.org"]]
    assert plan_mails[0].subject == "提醒：“制定方案”等2项节点任务待办理"
    plan_sms = sorted(s.mobile for s in sms.outbox if "制定方案" in s.text)
    assert plan_sms == ["13900000001", "13900000003"]
    assert [s.text for s in sms.outbox if s.mobile == "13900000001"] == [
        "节点任务提醒：“制定方案”还有7天到期、“组织学习”还有7天到期。详见站内信。"
    ]
    assert not OutgoingMessage.objects.exclude(status="sent").exists()
    # the e-mail points at the first reminder it lists
    sent = OutgoingMessage.objects.get(channel="email", recipient="a@example.org")
    assert (sent.delivery.milestone, sent.delivery.org, sent.delivery.offset) == (plan, world.branch_a, 7)

    with django_capture_on_commit_callbacks(execute=True):
        second = run_daily_reminders(day)
    assert len([m for m in mail.outbox if "制定方案" in m.body]) == 1
    assert sorted(s.mobile for s in sms.outbox if "制定方案" in s.text) == plan_sms
    assert first["deliveries_created"] > 0 and first["notifications"] > 0
    assert (second["deliveries_created"], second.get("notifications", 0), second.get("messages", 0)) == (0, 0, 0)
    # and through the Celery task, as beat runs it
    assert daily_reminders.delay(day=day.isoformat()).get()["deliveries_created"] == 0


def test_rows_decided_but_not_notified_are_notified_once_later(world, campaign, staff):
    """A run that died after deciding (rows with sent_at NULL) is completed by the next run, exactly once."""
    plan = campaign.milestones.get(code="plan")
    assert decide(plan, 7, ORG) == 3
    assert ReminderDelivery.objects.filter(milestone=plan, sent_at__isnull=True).count() == 3
    # the next day: offset 7 is no longer due, but the pending rows are picked up
    stats = run_daily_reminders(plan.due_date - datetime.timedelta(days=6))
    assert not ReminderDelivery.objects.filter(sent_at__isnull=True).exists()
    assert _titles(staff["sec_a"]) == ["提醒：“制定方案”还有6天到期"]
    assert stats["deliveries_notified"] == 3
    run_daily_reminders(plan.due_date - datetime.timedelta(days=6))
    assert _titles(staff["sec_a"]) == ["提醒：“制定方案”还有6天到期"]


def test_a_run_that_dies_mid_way_rolls_back_and_the_rerun_sends_once(world, campaign, staff, monkeypatch):
    day = campaign.milestones.get(code="plan").due_date - datetime.timedelta(days=7)
    real_enqueue = reminders._enqueue_after_commit

    def dying_enqueue(message_ids):
        """The process dies inside the digests' transaction, after their rows were written."""
        raise RuntimeError("worker killed")

    monkeypatch.setattr(reminders, "_enqueue_after_commit", dying_enqueue)
    with pytest.raises(RuntimeError):
        run_daily_reminders(day)
    # Nothing half-done: no digest and no e-mail/SMS row, no reminder marked sent. On SQLite the reminders stay
    # decided but unsent (the next run claims them); on PostgreSQL rows and digests are written in one statement
    # and were rolled back together (the next run decides them again).
    assert not Notification.objects.exists() and not OutgoingMessage.objects.exists()
    assert not ReminderDelivery.objects.filter(sent_at__isnull=False).exists()
    assert ReminderDelivery.objects.exists() == (connection.vendor != "postgresql")
    monkeypatch.setattr(reminders, "_enqueue_after_commit", real_enqueue)
    run_daily_reminders(day)
    decided = ReminderDelivery.objects.count()
    run_daily_reminders(day)
    assert ReminderDelivery.objects.count() == decided
    assert not ReminderDelivery.objects.filter(sent_at__isnull=True).exists()
    # one digest per recipient, exactly once
    users = list(Notification.objects.values_list("user_id", flat=True))
    assert len(users) == len(set(users)) > 0
    assert staff["sec_a"].pk in users


def test_no_reminders_for_done_orgs_disabled_milestones_or_finished_campaigns(world, seed_campaign, campaign, staff):
    five = campaign.milestones.get(code="five_activities")
    assert five.reminders is False
    run_daily_reminders(five.due_date - datetime.timedelta(days=7))
    assert not ReminderDelivery.objects.filter(milestone=five).exists()
    assert ReminderDelivery.objects.filter(milestone__code="basic_commendation").count() == 3  # same due date
    run_daily_reminders()  # today: the seed campaign (2010—2012) is over
    assert not ReminderDelivery.objects.filter(milestone__campaign=seed_campaign).exists()
    mark_done(campaign, "study", world.branch_a)
    study = campaign.milestones.get(code="study")
    run_daily_reminders(study.due_date - datetime.timedelta(days=3))
    assert _rows(study) == [("正定镇中学党支部", 3), ("滦州村党支部", 3)]


def test_done_between_deciding_and_notifying_is_not_told(world, campaign, staff):
    plan = campaign.milestones.get(code="plan")
    decide(plan, 7, ORG)
    mark_done(campaign, "plan", world.branch_a)
    run_daily_reminders(plan.due_date - datetime.timedelta(days=6))
    assert _titles(staff["sec_a"]) == []
    assert _titles(staff["sec_b"]) == ["提醒：“制定方案”还有6天到期"]


def test_reminder_queries_do_not_grow_with_orgs(world, campaign, staff):
    """Set-based: the same number of SQL statements for 3 organizations and for 33."""
    plan = campaign.milestones.get(code="plan")
    day = plan.due_date - datetime.timedelta(days=7)
    with CaptureQueriesContext(connection) as small:
        run_daily_reminders(day)
    ReminderDelivery.objects.all().delete()
    Notification.objects.all().delete()
    OutgoingMessage.objects.all().delete()
    for _ in range(30):
        org = make_org(world.town_a)
        user_with_role(org, Role.SECRETARY, email="x@example.org", mobile="13900000009")
    with CaptureQueriesContext(connection) as large:
        stats = run_daily_reminders(day)
    # plan and study (33 basic orgs each), mobilize (province, cities, counties), report_upward (cities)
    assert stats["deliveries_created"] == 33 + 33 + 5 + 2
    assert len(large.captured_queries) == len(small.captured_queries)


def _other_milestone_of(campaign, org, exclude):
    """A milestone with reminders that applies to ``org``, other than those in ``exclude``."""
    for milestone in campaign.milestones.filter(reminders=True).exclude(code__in=exclude).order_by("due_date", "pk"):
        if Org.objects.filter(milestone.applies_q(), pk=org.pk).exists():
            return milestone
    raise AssertionError("no other milestone applies")


def test_the_digest_text_links_with_the_site_address(world, campaign, staff, settings):
    """The digest's text is the e-mail's too: with SITE_URL set its links are whole addresses; the inbox button
    (the notification's url) stays a path of this site."""
    settings.SITE_URL = "https://cxzy.example.gov.cn"
    plan = campaign.milestones.get(code="plan")
    run_daily_reminders(plan.due_date - datetime.timedelta(days=3))
    note = Notification.objects.filter(user=staff["sec_a"]).get()
    link = f"/campaign/timeline/{campaign.code}/"
    assert f"链接：https://cxzy.example.gov.cn{link}\n" in note.body
    assert note.url == link


def test_one_digest_per_recipient_and_day(world, campaign, staff, django_capture_on_commit_callbacks):
    """Two milestones due the same day: ONE inbox message and ONE SMS naming both; a second run the same day adds
    and sends nothing; the next day's newly due reminder comes in a new digest with only it."""
    plan = campaign.milestones.get(code="plan")
    day = plan.due_date - datetime.timedelta(days=7)
    later = _other_milestone_of(campaign, world.branch_b, exclude=["plan", "study"])
    later.due_date = day + datetime.timedelta(days=8)  # due in 7 days tomorrow
    later.save(update_fields=["due_date"])
    sec_b = staff["sec_b"]

    with django_capture_on_commit_callbacks(execute=True):
        run_daily_reminders(day)
    note = Notification.objects.get(user=sec_b)
    assert note.title == "提醒：“制定方案”等2项节点任务待办理"
    assert note.body.count("\n") == 2 and "“制定方案”" in note.body and "“组织学习”" in note.body
    assert [s.text for s in sms.outbox if s.mobile == "13900000003"] == [
        "节点任务提醒：“制定方案”还有7天到期、“组织学习”还有7天到期。详见站内信。"
    ]
    # the reminders themselves stay one per (milestone, organization, offset)
    assert sorted(ReminderDelivery.objects.filter(org=world.branch_b).values_list("milestone__code", "offset")) == [
        ("plan", 7),
        ("study", 7),
    ]

    counts = (ReminderDelivery.objects.count(), Notification.objects.count(), OutgoingMessage.objects.count())
    with django_capture_on_commit_callbacks(execute=True):
        again = run_daily_reminders(day)
    assert (again["deliveries_created"], again.get("notifications", 0), again.get("messages", 0)) == (0, 0, 0)
    assert (ReminderDelivery.objects.count(), Notification.objects.count(), OutgoingMessage.objects.count()) == counts
    assert len([s for s in sms.outbox if s.mobile == "13900000003"]) == 1

    with django_capture_on_commit_callbacks(execute=True):
        run_daily_reminders(day + datetime.timedelta(days=1))
    newest = Notification.objects.filter(user=sec_b).exclude(pk=note.pk).get()
    assert newest.title == f"提醒：“{later.name}”还有7天到期"
    assert "制定方案" not in newest.body and f"“{later.name}”" in newest.body
    assert [s.text for s in sms.outbox if s.mobile == "13900000003"][1:] == [
        f"节点任务提醒：“{later.name}”还有7天到期。详见站内信。"
    ]


def test_a_long_digest_sends_a_short_sms(world, campaign, staff, django_capture_on_commit_callbacks):
    """Every milestone due the same day: the inbox message lists them all, the SMS the first two and the count."""
    plan = campaign.milestones.get(code="plan")
    campaign.milestones.update(due_date=plan.due_date, reminders=True)
    with django_capture_on_commit_callbacks(execute=True):
        run_daily_reminders(plan.due_date - datetime.timedelta(days=7))
    # in the digest's order: due date, then the milestones' order in the campaign
    names = list(
        campaign.milestones.filter(deliveries__org=world.branch_b)
        .order_by("due_date", "order", "pk")
        .values_list("name", flat=True)
    )
    n = len(names)
    assert n > 3
    note = Notification.objects.get(user=staff["sec_b"])
    assert note.title == f"提醒：“{names[0]}”等{n}项节点任务待办理"
    assert [line.split("“")[1].split("”")[0] for line in note.body.splitlines()[:-1]] == names
    assert note.body.count("还有7天到期") == n
    (text,) = [s.text for s in sms.outbox if s.mobile == "13900000003"]
    assert text == f"节点任务提醒：“{names[0]}”还有7天到期、“{names[1]}”还有7天到期等{n}项。详见站内信。"
    assert len(text) <= 70


@pytest.mark.django_db(transaction=True)  # the scheduler closes stale connections, as in a real beat process
def test_beat_schedule_is_synced_by_the_database_scheduler():
    from celery.schedules import crontab
    from django_celery_beat.models import PeriodicTask
    from django_celery_beat.schedulers import DatabaseScheduler

    from config.celery import app

    entry = settings.CELERY_BEAT_SCHEDULE["campaign-daily-reminders"]
    assert entry["task"] == "campaign.tasks.daily_reminders"
    assert entry["schedule"] == crontab(hour=7, minute=30)
    assert "campaign.tasks.daily_reminders" in app.tasks
    DatabaseScheduler(app=app)
    task = PeriodicTask.objects.get(name="campaign-daily-reminders")
    assert (task.task, task.crontab.hour, task.crontab.minute, str(task.crontab.timezone)) == (
        "campaign.tasks.daily_reminders",
        "7",
        "30",
        "Asia/Shanghai",
    )
