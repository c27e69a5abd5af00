"""A provincial department's 指导小组 on a 390 px phone, end to end through the pages.

"省直有关部门要成立指导小组，加强对相关领域(行业)创先争优活动的具体指导。" (seed, part 五)

The province's education department (行业主管部门 for 中小学 on the province) signs in through the login form,
opens 督促检查 → 指导小组, forms the guidance group of its sector (the only sector it may choose), adds its head,
records an inspection of a school branch as the group (picking the branch with the organization picker), and finds
the group on the dashboards' sector view (按领域（条）), whose link leads back to the group and its inspection.
Every new or changed page is judged by axe-core, the 44 px tap targets and the Nu HTML checker
(tests/browser/journeys.py).
"""

import pytest
from django.urls import reverse

from campaign.models import GuidanceGroup, Inspection
from orgs.enums import Role
from tests.factories import World, user_with_role

from .journeys import Judged, log_in, main_text, new_phone, open_nav

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

GROUP = "省教育厅创先争优活动指导小组"


def test_a_department_forms_its_guidance_group_inspects_and_the_sector_view_shows_it(live_server, browser, judges):
    world = World()
    user_with_role(world.province, Role.SECTOR_SUPERVISOR, sector="school", username="jyt", full_name="省教育厅")
    school = world.branch_a2  # 正定镇中学党支部, sector 中小学
    base = live_server.url
    judged = Judged(judges)
    phone = new_phone(browser)
    try:
        log_in(phone, base, "jyt")

        # 督促检查 → 指导小组: none yet
        open_nav(phone, "督促检查", menu="创先争优")
        phone.get_by_role("link", name="指导小组", exact=True).click()
        assert phone.get_by_role("heading", level=1).inner_text() == "指导小组"
        assert "暂无指导小组" in main_text(phone)
        judged.see(phone, "guidance-list-empty")

        # form the group of its sector: 中小学 is the only sector offered
        phone.get_by_role("link", name="成立指导小组").click()
        sector = phone.get_by_label("指导领域（行业）")
        assert sector.locator("option").all_inner_texts() == ["请选择", "中小学"]
        assert sector.input_value() == "school"
        phone.get_by_label("成立部门").fill("省教育厅")
        phone.get_by_label("名称").fill(GROUP)
        phone.get_by_label("联系电话").fill("0311-66001234")
        judged.see(phone, "guidance-create")
        phone.get_by_role("button", name="保存").click()
        phone.get_by_text(f"已成立{GROUP}").wait_for()
        group = GuidanceGroup.objects.get()
        assert (group.sector, group.org, group.department) == ("school", world.province, "省教育厅")
        assert phone.url == base + reverse("campaign:guidance_detail", args=[group.pk])

        # its head
        phone.get_by_role("link", name="添加成员").click()
        phone.get_by_label("姓名").fill("王厅长")
        phone.locator("#id_post").fill("省教育厅副厅长")  # "职务" is also in "小组职务"
        phone.get_by_label("联系电话").fill("13911113333")
        phone.get_by_label("小组职务").select_option(label="组长")
        judged.see(phone, "guidance-member-form")
        phone.get_by_role("button", name="保存").click()
        phone.get_by_text("已添加王厅长").wait_for()
        assert "王厅长" in main_text(phone) and "组长" in main_text(phone)
        judged.see(phone, "guidance-detail")

        # an inspection recorded as the group, the school branch picked with the picker
        phone.get_by_role("link", name="以本小组名义登记检查").click()
        assert phone.get_by_label("以指导小组名义").locator("option:checked").inner_text() == GROUP
        picker = phone.get_by_role("combobox", name="检查对象（组织编码）")
        picker.press_sequentially("中学")
        phone.locator(f"[role=tree] [data-code='{school.code}']").click()
        assert picker.input_value() == school.code
        phone.get_by_label("检查方式").select_option(label="明查")
        phone.get_by_label("检查人员").fill("王厅长等三人")
        phone.get_by_label("检查情况").fill("学校党支部党性分析扎实，党员示范岗已设立。")
        judged.see(phone, "inspection-form-as-group")
        phone.get_by_role("button", name="保存").click()
        phone.get_by_text("已登记对正定镇中学党支部的督促检查").wait_for()
        inspection = Inspection.objects.get()
        assert (inspection.guidance_group, inspection.org) == (group, school)
        assert GROUP in phone.locator("main dl").inner_text()
        judged.see(phone, "inspection-detail-as-group")

        # the dashboards' sector view shows which group guides 中小学, and leads back to it
        open_nav(phone, "数据看板")
        phone.get_by_role("link", name="按领域（条）").click()
        guidance = phone.locator("#guidance")
        assert "中小学" in guidance.inner_text() and GROUP in guidance.inner_text()
        judged.see(phone, "dashboard-sectors-guidance")
        guidance.get_by_role("link", name=GROUP).click()
        assert phone.get_by_role("heading", level=1).inner_text() == GROUP
        assert "以本小组名义的检查（1）" in main_text(phone)

        # the list now shows the group with its counts
        phone.goto(base + reverse("campaign:guidance_list"))
        row = phone.locator("tbody tr", has_text=GROUP)
        assert "中小学" in row.inner_text()
        judged.see(phone, "guidance-list")
        judged.assert_valid()
    finally:
        phone.context.close()


def test_the_province_keeps_the_register_of_reporting_bodies(live_server, browser, judges, seed_campaign):
    """上报实施意见 → 省直报送单位名录 on a phone: the province's 组织部 enters the system committees directly under the
    province, and the "who has / hasn't reported" list counts them beside the cities."""
    from orgs.enums import OrgKind, OrgLevel
    from tests.factories import make_org

    world = World()
    make_org(
        world.province,
        level=OrgLevel.TOWNSHIP,
        kind=OrgKind.WORK_COMMITTEE,
        sector="organ",
        code="130000001",
        name="省直机关工委",
    )
    user_with_role(world.province, Role.ORG_DEPARTMENT, username="sheng_zzb", full_name="省委组织部")
    base = live_server.url
    judged = Judged(judges)
    phone = new_phone(browser)
    try:
        log_in(phone, base, "sheng_zzb")
        phone.goto(base + reverse("campaign:report_units"))
        assert "名录中还没有单位" in main_text(phone)
        judged.see(phone, "report-units-empty")
        phone.get_by_role("button", name="登记省委直属的系统党（工）委").click()
        phone.get_by_text("已登记：省直机关工委").wait_for()
        assert "省直系统党（工）委" in phone.locator("tbody").inner_text()
        judged.see(phone, "report-units")
        phone.get_by_role("link", name="上报实施意见").click()
        assert "未报送 3 个，共 3 个单位" in main_text(phone)
        judged.assert_valid()
    finally:
        phone.context.close()
