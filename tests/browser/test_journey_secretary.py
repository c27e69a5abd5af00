"""A branch secretary's day on a 390 px phone, end to end through the pages (no shortcut into the database for
what a user does; the tokens come off the printed QR sheet, never out of the database where they are digests).

He signs in through the login form and lands on his workbench, which shows what is due; he revises and
resubmits his returned plan and finds no way to approve or return it himself (no control on any page he
reaches, and the approval URLs answer 403 to a direct request); he organizes the masses' evaluation of his
members (picking his branch with the organization picker), downloads the QR sheet, two phones answer through
codes read off the sheet, a used code is refused, he ends the evaluation and reads per-member results that
match the phones' choices; a phone answering after the end, and a fresh code opened after it, see "已结束".
Every distinct page is judged by axe-core and the Nu HTML checker (tests/browser/journeys.py).
"""

import subprocess
from collections import Counter
from urllib.parse import urlparse

import pytest
from django.urls import reverse
from django.utils import timezone

from campaign.models import Milestone, Plan
from evaluations.models import CriteriaSet, MassBatch
from tests.browser.test_mass_evaluation import _decode as decode_sheet
from tests.factories.campaign_plans import make_plan

from .journeys import Branch, Judged, clear_rate_limit, log_in, main_text, new_phone, open_nav

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

# What each phone taps, criterion by criterion (五个模范, in order).
FIRST = ["满意", "满意", "满意", "满意", "满意"]
SECOND = ["比较满意", "满意", "基本满意", "不满意", "满意"]


def answer(phone, url, choices, judged=None):
    """An anonymous phone opens a code's page, taps one level per criterion and submits; returns whom it
    evaluated (the name the page shows)."""
    response = phone.goto(url)
    assert response.status == 200
    assert phone.get_by_role("heading", level=1).inner_text() == "群众评议"
    name = phone.locator("p.lead").inner_text().removeprefix("评议党员：")
    assert "所在组织：塔元庄村党支部" in main_text(phone)
    if judged is not None:
        judged.see(phone, "mass-answer", response.text())
    fieldsets = phone.locator("fieldset")
    assert fieldsets.count() == len(choices)
    for i, label in enumerate(choices):
        fieldsets.nth(i).get_by_text(label, exact=True).click()
    phone.once("dialog", lambda dialog: dialog.accept())  # 确定 (static/js/confirm.js)
    phone.get_by_role("button", name="提交评议").click()
    phone.locator("#thanks").wait_for()
    assert "评议已提交，感谢您对党组织和党员的监督！" in phone.locator("#thanks").inner_text()
    return name


def test_secretary_on_a_phone(live_server, browser, judges, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    clear_rate_limit()
    branch = Branch()
    org, base = branch.org, live_server.url
    plan = make_plan(branch.campaign, org, status=Plan.Status.RETURNED, theme="塔元庄创先争优实施方案")
    judged = Judged(judges, never=branch.id_numbers)
    today = timezone.localdate()
    due = {m.code: m.due_date for m in Milestone.objects.filter(campaign=branch.campaign)}
    phone = new_phone(browser)
    phones = [phone]
    try:
        # 1. the login form on a phone, then straight to his workbench
        phone.goto(f"{base}/accounts/login/")
        judged.see(phone, "login")
        landed = log_in(phone, base, "shuji")
        assert landed == reverse("workbench:org", args=[org.code])
        assert phone.get_by_role("heading", level=1).inner_text() == "塔元庄村党支部"
        milestones = phone.locator("section[aria-labelledby=wb-milestones]").inner_text()
        assert "党性分析" in milestones and f"{(due['party_analysis'] - today).days} 天后到期" in milestones
        assert "制定方案" in milestones and f"已逾期 {(today - due['plan']).days} 天" in milestones
        plan_card = phone.locator("section[aria-labelledby=wb-plan]").inner_text()
        assert "已退回" in plan_card and "塔元庄创先争优实施方案" in plan_card and "请补充具体措施" in plan_card
        reports = phone.locator("section[aria-labelledby=wb-reports]").inner_text()
        assert "0/1" in reports and "在职党员已提交报告" in reports
        assert "本组织还没有群众评议批次。" in phone.locator("section[aria-labelledby=wb-mass]").inner_text()
        judged.see(phone, "workbench")

        # 2. his returned plan: he revises and resubmits it, and nothing lets him approve it
        phone.get_by_role("link", name="修改并提交方案").click()
        assert phone.get_by_role("heading", level=1).inner_text() == "编辑实施方案"
        assert "请补充具体措施" in phone.locator("#return-reason").inner_text()
        judged.see(phone, "plan-edit")
        phone.get_by_label("具体措施").fill("每月开展一次主题党日活动，每名党员联系三户群众。")
        phone.get_by_role("button", name="保存").click()
        phone.get_by_role("button", name="重新提交审批").click()
        phone.locator("#plan-status", has_text="已提交待审批").wait_for()
        assert "实施方案已提交，等待上级审批" in main_text(phone)
        for control in ("审批通过", "退回", "向群众公布"):
            assert phone.get_by_role("button", name=control).count() == 0, control
        assert phone.locator("summary", has_text="退回修改").count() == 0
        judged.see(phone, "plan-submitted")
        csrf = phone.locator("input[name=csrfmiddlewaretoken]").first.get_attribute("value")
        revision = str(Plan.objects.get(pk=plan.pk).revision)
        for name in ("campaign:plan_approve", "campaign:plan_return"):
            url = base + reverse(name, args=[plan.pk])
            got = phone.request.get(url)
            posted = phone.request.post(
                url, form={"csrfmiddlewaretoken": csrf, "revision": revision, "reason": "自己退回自己的方案"}
            )
            for response in (got, posted):
                assert response.status == 403, (name, response.status)
                assert "无权访问" in response.text()  # the portal's 403, not a CSRF refusal
        phone.reload()
        assert phone.locator("#plan-status").inner_text() == "已提交待审批"
        assert Plan.objects.get(pk=plan.pk).status == Plan.Status.SUBMITTED

        # … nor anywhere else he reaches: the plan list offers nothing to approve; a neighbouring branch's
        # submitted plan is not his to see (404), let alone to approve
        neighbour = make_plan(branch.campaign, branch.world.branch_a2, status=Plan.Status.SUBMITTED, theme="中学方案")
        open_nav(phone, "实施方案", menu="创先争优")
        assert phone.get_by_role("heading", level=1).inner_text().startswith("实施方案")
        own = phone.locator("section[aria-labelledby=own-heading]").inner_text()
        assert "塔元庄村党支部" in own and "已提交待审批" in own
        assert phone.get_by_role("link", name="待审批").count() == 0
        assert phone.locator("input[name=pending]").count() == 0
        listed = phone.locator("#plans").inner_text()
        assert "塔元庄创先争优实施方案" in listed and "中学方案" not in listed
        judged.see(phone, "plan-list")
        for name in ("campaign:plan_detail", "campaign:plan_approve"):
            url = base + reverse(name, args=[neighbour.pk])
            assert phone.request.get(url).status == 404, name
        posted = phone.request.post(
            base + reverse("campaign:plan_approve", args=[neighbour.pk]),
            form={"csrfmiddlewaretoken": csrf, "revision": str(neighbour.revision)},
        )
        assert posted.status == 404
        assert Plan.objects.get(pk=neighbour.pk).status == Plan.Status.SUBMITTED

        # 3. the masses' evaluation of his members: a batch, his branch picked with the picker
        open_nav(phone, "我的工作台")
        phone.get_by_role("link", name="组织群众评议").click()
        assert phone.get_by_role("heading", level=1).inner_text() == "新建群众评议批次"
        picker = phone.get_by_role("combobox", name="组织编码")
        assert picker.input_value() == org.code  # the workbench's link names his branch
        picker.fill("")
        picker.press_sequentially("塔元庄")
        phone.locator(f"[role=tree] [data-code='{org.code}']").click()
        assert picker.input_value() == org.code
        assert "已选择：塔元庄村党支部（130123100201）" in phone.locator(".org-picker-chosen").inner_text()
        target = phone.get_by_label("评议对象")
        assert target.locator("option").all_inner_texts() == ["党员"]  # the org itself is the county's to evaluate
        phone.get_by_label("考核期间").select_option(label=branch.period.name)
        phone.get_by_label("二维码数").fill("2")
        judged.see(phone, "mass-batch-form")
        phone.get_by_role("button", name="生成二维码").click()
        phone.get_by_text("已生成 4 个二维码，请下载打印二维码表").wait_for()
        batch = MassBatch.objects.get()
        assert phone.url == base + reverse("evaluations:mass_batch", args=[batch.pk])
        assert phone.get_by_role("heading", level=1).inner_text() == "群众评议结果：塔元庄村党支部"
        assert phone.locator("#batch-state").inner_text() == "评议进行中"
        for member in (branch.member, branch.farmer):
            assert (
                phone.locator(f"#participation-{member.pk}").inner_text()
                == "网上评议 0 份 / 发放二维码 2 个（参与率 0.0%）"
            )
        judged.see(phone, "mass-batch-open")

        # 4. … prints the sheet: four codes, two per member, pointing at this site
        with phone.expect_download() as download:
            phone.get_by_role("link", name="下载二维码表（PDF）").click()
        pdf = tmp_path / "sheet.pdf"
        download.value.save_as(pdf)
        assert "Noto-Sans-CJK-SC" in subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True).stdout
        sheet = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
        assert sheet.count("张建国") == 2 and sheet.count("刘庄稼") == 2
        assert not any(number in sheet for number in branch.id_numbers)
        urls = decode_sheet(pdf, tmp_path)
        assert len(set(urls)) == 4
        assert all(urlparse(url).netloc == urlparse(base).netloc for url in urls)

        # 5. two phones (nobody signed in) answer; the first one's code used again is refused
        first, second = new_phone(browser), new_phone(browser)
        phones += [first, second]
        chosen = {}  # whom each phone evaluated (the name its page showed) → the sheets it submitted
        chosen.setdefault(answer(first, urls[0], FIRST, judged), []).append(FIRST)
        judged.see(first, "mass-thanks")
        chosen.setdefault(answer(second, urls[1], SECOND), []).append(SECOND)
        again = first.goto(urls[0])
        assert again.status == 410
        assert "这个二维码已经使用过了" in first.locator("#refusal").inner_text()
        assert first.locator("form").count() == 0
        judged.see(first, "mass-used", again.text())

        # 6. a third phone opens a fresh code; the secretary ends the evaluation before it submits
        third = new_phone(browser)
        phones.append(third)
        assert third.goto(urls[2]).status == 200
        phone.reload()
        phone.once("dialog", lambda dialog: dialog.accept())  # 确定 (static/js/confirm.js)
        phone.get_by_role("button", name="结束评议").click()
        phone.get_by_text("评议已结束：尚未使用的二维码不能再提交评议").wait_for()
        assert phone.locator("#batch-state").inner_text() == "评议已结束"
        assert phone.get_by_role("button", name="结束评议").count() == 0
        for i in range(5):
            third.locator("fieldset").nth(i).get_by_text("满意", exact=True).click()
        with third.expect_response(lambda r: r.request.method == "POST") as late:
            third.once("dialog", lambda dialog: dialog.accept())  # 确定 (static/js/confirm.js)
            third.get_by_role("button", name="提交评议").click()
        assert late.value.status == 410
        third.locator("#refusal").wait_for()
        assert "本次评议已结束，您这次填写的评议未能提交" in third.locator("#refusal").inner_text()
        judged.see(third, "mass-closed-on-submit", late.value.text())
        fresh = third.goto(urls[3])
        assert fresh.status == 410
        assert "本次评议已结束，感谢您的关注" in third.locator("#refusal").inner_text()
        judged.see(third, "mass-closed", fresh.text())

        # 7. the results per member: what the two phones chose, and nothing from the late phone
        criteria = list(CriteriaSet.objects.get(owner_org=None, code="five-models").criteria.order_by("order"))
        levels = {"满意": "satisfied", "比较满意": "fairly", "基本满意": "basically", "不满意": "unsatisfied"}
        names = {branch.member.name: branch.member, branch.farmer.name: branch.farmer}
        assert set(chosen) <= set(names)
        for name, member in names.items():
            sheets = chosen.get(name, [])
            n = len(sheets)
            pct = f"{100 * n / 2:.1f}%"
            assert phone.locator(f"#participation-{member.pk}").inner_text() == (
                f"网上评议 {n} 份 / 发放二维码 2 个（参与率 {pct}）"
            )
            for i, criterion in enumerate(criteria):
                counts = Counter(choices[i] for choices in sheets)
                for label, key in levels.items():
                    cell = phone.locator(f"#cell-{member.pk}-{criterion.order}-{key}").inner_text().split()
                    share = f"{100 * counts[label] / n:.1f}%" if n else "—"
                    assert cell == [str(counts[label]), share], (name, criterion.name, label, cell)
        judged.see(phone, "mass-batch-closed")

        # 8. back on the workbench: the batch with its participation
        open_nav(phone, "我的工作台")
        mass = phone.locator("section[aria-labelledby=wb-mass]").inner_text()
        assert "参评 2/4（50.0%）" in mass and "党员" in mass
        clear_rate_limit()
        judged.assert_valid()
    finally:
        for page in phones:
            page.context.close()
