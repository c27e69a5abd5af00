"""A button that cannot be undone asks first (static/js/confirm.js, driven by the button's data-confirm): the
mass evaluation's 提交评议 — a QR code answers once. Declined, nothing is sent and the choices stay; accepted,
the answer is stored. Without JavaScript the same button submits at once."""

import pytest
from django.urls import reverse

from evaluations.models import MassToken
from tests.factories import World
from tests.factories.evaluations_mass import make_batch

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
QUESTION = "每个二维码只能提交一次，提交后不能修改，确定提交吗？"


def _fill(page):
    fieldsets = page.locator("fieldset")
    for i in range(fieldsets.count()):
        fieldsets.nth(i).locator("label").first.click()


def test_declined_sends_nothing_accepted_submits(live_server, phone390, seed_criteria):
    world = World()
    _batch, tokens = make_batch(world.branch_a, seed_criteria["five-good"], tokens=1)
    phone390.goto(live_server.url + reverse("evaluations:mass_answer", args=[tokens[0]]))
    _fill(phone390)
    button = phone390.get_by_role("button", name="提交评议")
    assert button.get_attribute("data-confirm") == QUESTION

    asked = []
    requests = []
    phone390.on("request", lambda request: requests.append(request.method))
    phone390.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    button.click()
    phone390.wait_for_timeout(300)
    assert asked == [QUESTION] and "POST" not in requests
    assert phone390.locator("#thanks").count() == 0
    assert phone390.locator("fieldset input:checked").count() == phone390.locator("fieldset").count()
    assert MassToken.objects.get().used_at is None

    phone390.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    button.click()
    phone390.locator("#thanks").wait_for()
    assert asked == [QUESTION, QUESTION] and MassToken.objects.get().used_at is not None


def test_without_javascript_the_button_submits(live_server, browser, seed_criteria):
    world = World()
    _batch, tokens = make_batch(world.branch_a, seed_criteria["five-good"], tokens=1)
    context = browser.new_context(java_script_enabled=False, viewport={"width": 390, "height": 844})
    try:
        page = context.new_page()
        page.goto(live_server.url + reverse("evaluations:mass_answer", args=[tokens[0]]))
        _fill(page)
        page.get_by_role("button", name="提交评议").click()
        page.locator("#thanks").wait_for()
        assert MassToken.objects.get().used_at is not None
    finally:
        context.close()
