"""A refused form on a phone: the page comes back at its top, and the first error may sit a screen or two
below. static/js/form-errors.js brings it into view and puts the cursor in its field."""

import pytest

from masswork.services import masses as services
from orgs.enums import Role
from tests.factories import World, user_with_role

from .test_household_visit import _login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_first_error_is_in_view_with_the_cursor_in_its_field(live_server, phone):
    world = World()
    secretary = user_with_role(world.branch_a, Role.SECRETARY, username="shuji", full_name="塔元庄书记")
    member = user_with_role(world.branch_a, Role.MEMBER, username="dangyuan", full_name="张建国")
    member.member = world.member_a
    member.save(update_fields=["member"])
    household = services.create_household(
        world.branch_a,
        by=secretary,
        members=[world.member_a],
        head_name="王大娘",
        village="塔元庄村三组",
        size=2,
        needs="独居老人",
        phone="13912345678",
        active=True,
    )
    _login(phone, live_server.url, "dangyuan")
    phone.goto(f"{live_server.url}/campaign/masses/households/{household.pk}/")
    phone.get_by_label("服务类型").select_option(label="走访慰问")
    phone.get_by_label("效果").fill("老人很高兴")  # 服务内容 left empty
    phone.get_by_role("button", name="保存记录").click()
    phone.wait_for_load_state("domcontentloaded")
    content = phone.get_by_label("服务内容")
    content.wait_for()
    assert "is-invalid" in (content.get_attribute("class") or "")
    phone.wait_for_function("document.activeElement && document.activeElement.name === 'content'")
    box = content.bounding_box()
    assert box is not None and 0 <= box["y"] and box["y"] + box["height"] <= phone.viewport_size["height"]
    assert phone.get_by_label("效果").input_value() == "老人很高兴"  # what was typed is kept
