"""In a browser at phone width: the decision page polls the task's progress (htmx, every second) and
shows the download links when the files are ready, without a reload."""

from pathlib import Path

import pytest
from django.utils import timezone

from awards.models import Decision, DecisionStatus
from awards.services import documents as services
from orgs.enums import Role
from tests.factories import World, user_with_role
from tests.factories.awards_documents import approve_member, make_decision, make_round

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


def test_progress_bar_then_downloads_at_phone_width(live_server, phone, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    world = World()
    user_with_role(world.province, Role.ORG_DEPARTMENT, username="sheng", full_name="省委组织部")
    award_round = make_round(world.province, code="qiyi-phone", name="2011年“七一”集中表彰")
    approve_member(award_round, world.branch_a, name="张建设")
    decision = make_decision(award_round, doc_number="冀创组〔2011〕8号")
    Decision.objects.filter(pk=decision.pk).update(
        status=DecisionStatus.GENERATING, progress=40, generation=1, started_at=timezone.now()
    )

    phone.goto(f"{live_server.url}/accounts/login/")
    phone.get_by_label("用户名").fill("sheng")
    phone.get_by_label("密码").fill("pass-1234-word")
    phone.get_by_role("button", name="登录").click()
    phone.wait_for_url(lambda url: "/accounts/login/" not in url)
    phone.goto(f"{live_server.url}/awards/rounds/{award_round.code}/decision/")
    bar = phone.locator("#decision-status progress")
    assert bar.get_attribute("value") == "40"
    phone.get_by_role("status").filter(has_text="生成中……已完成 40%").wait_for()
    SHOTS.mkdir(parents=True, exist_ok=True)
    phone.screenshot(path=str(SHOTS / "decision_progress_phone.png"), full_page=True)
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    # The task moves on while the page stays open: the poll picks it up.
    Decision.objects.filter(pk=decision.pk).update(progress=90)
    phone.get_by_role("status").filter(has_text="已完成 90%").wait_for()
    Decision.objects.filter(pk=decision.pk).update(status=DecisionStatus.QUEUED, generation=2)
    services.generate_documents(decision.pk, 2)
    phone.locator("#decision-pdf").wait_for()
    assert phone.locator("#decision-status progress").count() == 0
    assert phone.get_by_role("link", name="下载荣誉证书（PDF）").is_visible()
    phone.screenshot(path=str(SHOTS / "decision_ready_phone.png"), full_page=True)
