"""党员联系户: a member records a visit to its household on a phone; the secretary sees the household drop off
the "no contact for 30 days" list (another household, still not visited, stays on it)."""

from pathlib import Path

import pytest

from masswork.services import masses as services
from orgs.enums import Role
from tests.factories import World, user_with_role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


def _login(page, base_url, username):
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill("pass-1234-word")
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)  # home: the tree, a workbench or /me/


def test_member_visit_drops_household_off_the_no_contact_list(live_server, browser, page, phone):
    world = World()
    secretary = user_with_role(world.branch_a, Role.SECRETARY, username="shuji", full_name="塔元庄书记")
    member = user_with_role(world.branch_a, Role.MEMBER, username="dangyuan", full_name="张建国")
    member.member = world.member_a
    member.save(update_fields=["member"])
    for head in ("王大娘", "李大爷"):
        services.create_household(
            world.branch_a,
            by=secretary,
            members=[world.member_a],
            head_name=head,
            village="塔元庄村三组",
            size=2,
            needs="独居老人",
            phone="13912345678",
            active=True,
        )
    base = live_server.url

    # the secretary sees both households with no contact for 30 days
    _login(page, base, "shuji")
    page.goto(f"{base}/campaign/masses/households/no-contact/")
    listed = page.locator("#no-contact tbody").inner_text()
    assert "王大娘" in listed and "李大爷" in listed

    # the member, on a phone, records a visit to 王大娘
    _login(phone, base, "dangyuan")
    phone.goto(f"{base}/campaign/masses/households/")
    assert "139****5678" in phone.locator("#households").inner_text()  # the member sees the phone masked
    phone.get_by_role("link", name="王大娘").click()
    phone.get_by_label("服务类型").select_option(label="走访慰问")
    phone.get_by_label("服务内容").fill("上门看望，帮助打扫院子")
    phone.get_by_label("效果").fill("老人很高兴")
    phone.get_by_role("button", name="保存记录").click()
    phone.locator("#services", has_text="上门看望，帮助打扫院子").wait_for()
    assert "走访慰问" in phone.locator("#services").inner_text()
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    SHOTS.mkdir(parents=True, exist_ok=True)
    phone.screenshot(path=str(SHOTS / "household_visit_phone.png"), full_page=True)

    # the secretary's list: 王大娘 has dropped off, 李大爷 is still there
    page.reload()
    listed = page.locator("#no-contact tbody").inner_text()
    assert "王大娘" not in listed and "李大爷" in listed
    page.get_by_role("link", name="李大爷").click()
    assert "13912345678" in page.locator("#household-phone").inner_text()  # the secretary sees it in full
