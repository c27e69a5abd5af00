"""Members on a 390 px phone, end to end through the pages, during the 党性分析 week (today is inside the
'party_analysis' milestone's window) with an assessment period open.

- An 在职 member signs in, lands on 我的创先争优 (his ID number masked, never in full), writes a draft of his
  党性分析报告, submits it, fills in his 五个模范 self-assessment (a level and a remark per criterion; one level
  left out is refused with a message and nothing saved as submitted) and submits it; back on his page both
  show as submitted, with his self-assessment score.
- A farmer member (not required to write: "在职党员应撰写党性分析报告") writes and submits his report; his page
  says it is voluntary; the secretary's workbench and the report list count it as written (报告总数, 其中自愿撰写)
  while the figures of the required (在职 members' reports / 在职 members) stay as they were.

Every distinct page is judged by axe-core and the Nu HTML checker (tests/browser/journeys.py).
"""

import re

import pytest
from django.urls import reverse

from evaluations.services.reports import analysis_window

from .journeys import Branch, Judged, log_in, main_text, new_phone, open_nav

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

# 五个模范, in order: what the member taps, and the remark he writes where he has one.
LEVELS = ["满意", "满意", "比较满意", "满意", "满意"]
NOTES = {0: "每周参加村党支部学习", 2: "对惠农政策宣传还不够"}


def section(page, heading_id):
    return page.locator(f"section[aria-labelledby={heading_id}]").inner_text()


def test_in_service_member_writes_his_report_and_self_assessment(live_server, browser, judges):
    branch = Branch()
    member, base = branch.member, live_server.url
    start, due = analysis_window(branch.campaign)
    judged = Judged(judges, never=branch.id_numbers)
    phone = new_phone(browser)
    try:
        # 1. sign in on a phone: 我的创先争优, the ID number masked
        assert log_in(phone, base, "dangyuan") == reverse("workbench:me")
        assert phone.get_by_role("heading", level=1).inner_text() == "我的创先争优"
        profile = section(phone, "me-profile")
        assert "张建国" in profile and "塔元庄村党支部" in profile and "在职" in profile
        assert member.masked_id_number in profile
        assert re.fullmatch(r"\d{4}\*{10}\d{3}[\dX]", member.masked_id_number)
        assert member.id_number not in phone.content()
        report = section(phone, "me-report")
        assert "未撰写" in report and "在职党员应撰写党性分析报告。" in report
        assessment = section(phone, "me-assessment")
        assert "未填写" in assessment and branch.period.name in assessment
        judged.see(phone, "me")
        assert member.id_number not in judged.documents["me"]

        # 2. his 党性分析报告: a draft first …
        phone.get_by_role("link", name="撰写报告").click()
        assert phone.get_by_role("heading", level=1).inner_text() == "我的党性分析报告"
        assert phone.locator("#required-note").inner_text() == "您是在职党员，应撰写党性分析报告。"
        assert f"撰写时间：{start:%Y-%m-%d} 至 {due:%Y-%m-%d}" in main_text(phone)
        judged.see(phone, "report-new")
        phone.get_by_role("button", name="提交审阅").click()  # nothing written: refused at the field
        assert phone.locator("#id_content_error").inner_text() == "这个字段是必填项。"
        assert phone.locator("#report-status").count() == 0  # nothing saved
        phone.get_by_label("报告正文").fill("对照党章，我在理论学习上还不够深入。")
        phone.get_by_role("button", name="保存草稿").click()
        phone.get_by_text("草稿已保存").wait_for()
        assert phone.locator("#report-status").inner_text() == "草稿"
        assert phone.get_by_label("报告正文").input_value() == "对照党章，我在理论学习上还不够深入。"
        judged.see(phone, "report-draft")

        # … then completed and submitted
        phone.get_by_label("报告正文").fill(
            "对照党章，我在理论学习上还不够深入。\n整改措施：每周读一篇党报评论，带头落实村务公开。"
        )
        phone.get_by_role("button", name="提交审阅").click()
        phone.get_by_text("报告已提交，等待党组织审阅").wait_for()
        assert phone.locator("#report-status").inner_text() == "待审阅"
        assert "带头落实村务公开" in phone.locator(".report-body").inner_text()
        assert phone.get_by_role("button", name="提交审阅").count() == 0  # no longer editable
        judged.see(phone, "report-submitted")

        # 3. his 五个模范 self-assessment
        open_nav(phone, "我的创先争优")
        report = section(phone, "me-report")
        assert "待审阅" in report and "未撰写" not in report
        phone.get_by_role("link", name="填写自评").click()
        assert phone.get_by_role("heading", level=1).inner_text() == "我的“五个模范”自评"
        assert f"张建国 · 塔元庄村党支部 · {branch.period.name}" in main_text(phone)
        criteria = phone.locator("fieldset")
        assert criteria.count() == 5
        judged.see(phone, "assessment-new")
        for i, label in enumerate(LEVELS[:4]):  # the last criterion left out: refused
            criteria.nth(i).get_by_text(label, exact=True).click()
        for i, note in NOTES.items():
            criteria.nth(i).get_by_label("说明（可选）").fill(note)
        phone.get_by_label("总体评语").fill("一年来能够发挥党员先锋模范作用。")
        phone.once("dialog", lambda dialog: dialog.accept())  # 确定 (static/js/confirm.js)
        phone.get_by_role("button", name="提交（提交后不能修改）").click()
        summary = phone.locator("form .alert-danger")
        summary.wait_for()
        assert summary.inner_text() == "提交前请为每一项选择等次，尚未评定：遵纪守法的模范"
        # … and the message stands at the criterion left out, not only screens above it
        gap = criteria.nth(4)
        assert "提交前请为这一项选择一个等次" in gap.inner_text()
        assert gap.get_attribute("aria-describedby") == gap.locator("p.text-danger").get_attribute("id")
        for i in range(4):
            assert criteria.nth(i).locator("p.text-danger").count() == 0
        assert phone.locator("#locked").count() == 0
        # what he had chosen and written is still there
        assert criteria.nth(2).get_by_label("比较满意").is_checked()
        assert criteria.nth(0).get_by_label("说明（可选）").input_value() == NOTES[0]
        judged.see(phone, "assessment-errors", html=phone_post_html(phone, criteria))
        criteria.nth(4).get_by_text(LEVELS[4], exact=True).click()
        phone.once("dialog", lambda dialog: dialog.accept())  # 确定 (static/js/confirm.js)
        phone.get_by_role("button", name="提交（提交后不能修改）").click()
        phone.get_by_text("自评已提交").wait_for()
        locked = phone.locator("#locked").inner_text()
        assert "提交并锁定，自评得分 96.00" in locked
        chosen = phone.locator("dl.self-result dd").all_inner_texts()
        assert [text.split()[0] for text in chosen] == LEVELS
        assert NOTES[2] in chosen[2]
        assert "一年来能够发挥党员先锋模范作用。" in main_text(phone)
        assert phone.locator("form button[value=submit]").count() == 0
        judged.see(phone, "assessment-locked")

        # 4. back on 我的创先争优: both submitted
        open_nav(phone, "我的创先争优")
        report = section(phone, "me-report")
        assert "待审阅" in report and "查看报告" in report
        assessment = section(phone, "me-assessment")
        assert "已提交" in assessment and "自评得分 96.00" in assessment and "查看自评" in assessment
        assert member.id_number not in phone.content()
        judged.see(phone, "me-submitted")
        judged.assert_valid()
    finally:
        phone.context.close()


def phone_post_html(phone, criteria):
    """The server's answer to the refused submission, sent again from the page's own form data (the page's
    request repeated: a refused submission changes nothing, so it can be sent twice)."""
    form = phone.locator("form[method=post]").last
    data = form.evaluate("f => Array.from(new FormData(f).entries())")
    fields = dict(data)
    fields["action"] = "submit"
    response = phone.request.post(phone.url, form=fields)
    assert response.status == 400
    return response.text()


def coverage(page):
    """The report list's figures, by their ids (cov-written …), as the page shows them."""
    cards = page.locator("#coverage [id^=cov-]")
    return {cards.nth(i).get_attribute("id"): cards.nth(i).inner_text() for i in range(cards.count())}


def test_farmer_writes_a_voluntary_report_counted_as_written_not_as_required(live_server, browser, judges):
    branch = Branch()
    base = live_server.url
    judged = Judged(judges, never=branch.id_numbers)
    secretary, farmer = new_phone(browser), new_phone(browser)
    try:
        # the secretary's figures before: one 在职 member (张建国), none written
        log_in(secretary, base, "shuji")
        reports = section(secretary, "wb-reports")
        assert "0/1\n在职党员已提交报告" in reports and "0/2\n参加党性分析" in reports
        assert "自愿提交" not in reports
        secretary.get_by_role("link", name="党员报告情况").click()
        assert secretary.get_by_role("heading", level=1).inner_text() == "党性分析情况"
        before = coverage(secretary)
        assert before == {
            "cov-members": "2",
            "cov-participated": "0",
            "cov-required": "1",
            "cov-written-required": "0",
            "cov-written": "0",
            "cov-accepted": "0",
        }

        # the farmer: his page says the report is voluntary; he writes and submits it
        assert log_in(farmer, base, "nongmin") == reverse("workbench:me")
        assert "农民" in section(farmer, "me-profile")
        report = section(farmer, "me-report")
        assert "您不是在职党员，可以自愿撰写党性分析报告。" in report and "未撰写" in report
        judged.see(farmer, "me-farmer")
        farmer.get_by_role("link", name="撰写报告").click()
        note = farmer.locator("#required-note").inner_text()
        assert note == "在职党员应撰写党性分析报告；您也可以撰写，同样由党组织审阅。"
        judged.see(farmer, "report-farmer")
        farmer.get_by_label("报告正文").fill("作为种植户党员，我带头发展大棚蔬菜，但帮带群众还不够。")
        farmer.get_by_role("button", name="提交审阅").click()
        farmer.get_by_text("报告已提交，等待党组织审阅").wait_for()
        assert farmer.locator("#report-status").inner_text() == "待审阅"
        open_nav(farmer, "我的创先争优")
        report = section(farmer, "me-report")
        assert "您不是在职党员，可以自愿撰写党性分析报告。" in report and "待审阅" in report
        judged.see(farmer, "me-farmer-submitted")

        # the report list: written +1 (voluntary), the required figures unchanged
        secretary.reload()
        after = coverage(secretary)
        assert after["cov-written"] == "1" and after["cov-participated"] == "1"
        assert after["cov-required"] == before["cov-required"] == "1"
        assert after["cov-written-required"] == before["cov-written-required"] == "0"
        figures = secretary.locator("#coverage").inner_text()
        assert "其中自愿撰写 1" in figures
        row = secretary.locator(f"#row-{branch.farmer.pk}").inner_text()
        assert "刘庄稼" in row and "农民" in row and "应写" not in row and "已参加" in row and "待审阅" in row
        row = secretary.locator(f"#row-{branch.member.pk}").inner_text()
        assert "应写" in row and "未参加" in row and "未撰写" in row
        judged.see(secretary, "report-list")

        # … and the workbench: 0 of 1 required still, one more written voluntarily, one to review
        open_nav(secretary, "我的工作台")
        reports = section(secretary, "wb-reports")
        assert "0/1\n在职党员已提交报告" in reports and "1/2\n参加党性分析" in reports
        assert "另有 1 名非在职党员自愿提交了报告。" in reports and "待审阅 1 份" in reports
        judged.see(secretary, "workbench-voluntary")
        judged.assert_valid()
    finally:
        secretary.context.close()
        farmer.context.close()
