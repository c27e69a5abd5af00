"""The evaluation part of the demo: an assessment period open today, the branch's 党性分析 in full swing, a
member's self-assessment in draft, and the masses' evaluation of the branch's members under way.

"基层党组织要在2010年“七一”前，集中一周时间，组织党员进行一次党性分析，在职党员应撰写党性分析报告，并组织群众
对党员进行评议。" (seed, part 四 (二) 1) — reports in every state (draft, submitted, accepted, returned), a
farmer's report among them, members who took part without writing, and a batch of one-time QR codes of which a
few have been answered. The answers are given with tokens read back from the printed QR sheet, the only place a
token exists, exactly as a respondent types the printed address.
"""

import logging
import re
import shutil
import subprocess

from django.conf import settings
from django.urls import reverse

from evaluations.enums import Source, Target
from evaluations.models import MassBatch, MassToken, Period
from evaluations.services import assessments, mass, mass_tokens, periods, reports
from evaluations.services.criteria import applicable_set
from orgs.enums import MemberCategory

from . import codes
from .dates import DemoDates
from .people import Cast, branch_member

logger = logging.getLogger(__name__)

DEFAULT_BASE_URL = "http://127.0.0.1:8000"
TOKENS_PER_MEMBER = 2
ANSWERED = 6
REPORTS = {
    # writer → (content, what happens to it)
    "dangyuan2": (
        "对照“五个模范”查找差距：学习不够经常，带动群众致富的办法不多。今后每月读一本农业技术书，"
        "带头试种大棚蔬菜，带动五户群众增收。",
        "accepted",
    ),
    "member": (
        "本人入党以来能够遵守党的纪律，但服务群众主动性不够。",
        "returned",
    ),
    "cunguan": (
        "作为大学生村官，对照在职党员标准查摆：深入农户不够，工作方法偏书本化。整改措施：每周走访五户群众，"
        "建立民情日记；协助支部做好党员设岗定责台账。",
        "submitted",
    ),
    "dangyuan3": ("一、学习方面：", "draft"),
}
RETURN_COMMENT = "报告过于简单，请对照“五个模范”逐条查找差距，写出具体的整改措施后重新提交。"
ACCEPT_COMMENT = "查找问题具体，措施可行，同意。"


def build_period(campaign, dates: DemoDates, cast: Cast) -> Period:
    """The province's 组织部 opens the assessment period of the demo campaign (open today)."""
    second = campaign.phases.get(order=2)
    return periods.create_period(
        by=cast.province_department,
        name=codes.PERIOD_NAME,
        code=codes.PERIOD,
        start_date=campaign.start_date,
        end_date=second.end_date,
        campaign=campaign,
    )


def build_reports(campaign, dates: DemoDates, cast: Cast) -> dict:
    """Each writer writes in the 党性分析 week (its first days lie behind today); the secretary reviews.

    "在职党员应撰写党性分析报告" (seed, part 四 (二) 1): the 在职 村官's report waits for review, so the
    branch's 党性分析 is not done; the farmers' reports are voluntary (accepted, returned, draft)."""
    written = {}
    writers = {**cast.writers, "member": cast.member}
    for offset, (writer, (content, outcome)) in enumerate(REPORTS.items()):
        user = writers[writer]
        day = dates.day(-3 + offset)
        report = reports.save_report(
            branch_member(cast, user), campaign, by=user, content=content, submit=outcome != "draft", today=day
        )
        if outcome in ("accepted", "returned"):
            report = reports.review_report(
                report,
                by=cast.secretary,
                accept=outcome == "accepted",
                comment=ACCEPT_COMMENT if outcome == "accepted" else RETURN_COMMENT,
            )
        written[outcome] = report
    # Two farmers who wrote nothing spoke at the branch's 党性分析 meeting: the secretary records it.
    wrote = {u.member_id for u in writers.values()} | {cast.secretary.member_id}
    spoke = [m for m in cast.members if m.pk not in wrote and m.category == MemberCategory.FARMER][:2]
    reports.record_participation(
        campaign,
        spoke,
        by=cast.secretary,
        took_part_on=dates.day(-1),
        note="在党性分析会上作了口头发言",
        today=dates.today,
    )
    return written


def build_self_assessment(period: Period, cast: Cast):
    """``dangyuan`` has begun his 五个模范 self-assessment: two of the five criteria chosen, not submitted yet."""
    member = branch_member(cast, cast.member)
    assessment = assessments.create_assessment(period, Source.SELF, member=member, by=cast.member)
    criteria = list(assessment.criteria_set.criteria.all())
    levels = {c.pk: assessment.criteria_set.levels[0]["key"] for c in criteria[:2]}
    return assessments.save_assessment(assessment, by=cast.member, levels=levels, comment="")


def build_mass_batch(period: Period, dates: DemoDates, cast: Cast) -> MassBatch:
    """The county's 组织部 prints QR codes for the masses to evaluate each member of the branch; a few answered."""
    criteria_set = applicable_set(cast.branch, period, Target.MEMBER)
    batch = mass.create_batch(
        cast.branch,
        by=cast.county_department,
        period=period,
        criteria_set=criteria_set,
        target=Target.MEMBER,
        tokens_per_target=TOKENS_PER_MEMBER,
        opens_at=dates.at(-2, 8),
        closes_at=dates.at(7, 18),
        base_url=getattr(settings, "MASS_PUBLIC_BASE_URL", "") or DEFAULT_BASE_URL,
        title=codes.MASS_BATCH_TITLE,
    )
    criteria = list(criteria_set.criteria.all())
    keys = [level["key"] for level in criteria_set.levels]
    seen_members = set()
    answered = 0
    for token, row in tokens_on_sheet(batch):
        if answered >= ANSWERED or row.member_id in seen_members:
            continue
        seen_members.add(row.member_id)
        choices = {c.pk: keys[0] if (answered + i) % 3 else keys[1] for i, c in enumerate(criteria)}
        mass.submit_answers(token, choices, at=dates.at(-1, 9 + answered))
        answered += 1
    return batch


def tokens_on_sheet(batch: MassBatch) -> list[tuple[str, MassToken]]:
    """The tokens printed on the batch's QR sheet, in the sheet's order, each with its stored row.

    The text layer of the PDF (``pdftotext``) carries each token as its 评议码 (``ABCD-EFGH-JKMN-PQRS``, read
    in its one spelling), or, on a sheet printed before the codes, as the answer address under its QR code,
    broken over lines, sometimes with a hyphen added or dropped where the line broke: each address is read
    with the line breaks taken out, and every spelling that differs by one hyphen is tried. Only a string
    whose SHA-256 digest is one of the batch's tokens is kept, so a misreading can never answer for a wrong
    token.
    """
    if not batch.sheet or not shutil.which("pdftotext"):
        logger.warning("demo: QR sheet of batch %s cannot be read (no sheet or no pdftotext)", batch.pk)
        return []
    text = subprocess.run(
        ["pdftotext", batch.sheet.path, "-"], capture_output=True, text=True, check=True, timeout=120
    ).stdout
    flat = re.sub(r"\s+", "", text)
    group = f"[{mass_tokens.TOKEN_ALPHABET}]{{{mass_tokens.TOKEN_GROUP}}}"
    codes = re.findall(rf"(?<![A-Z0-9]){group}(?:-{group}){{3}}(?![A-Z0-9])", flat)
    marker = reverse("evaluations:mass_answer", args=["TOKEN"]).split("TOKEN")[0]
    printed = [[c] for code in codes for c in mass_tokens.token_candidates(code)[:1]]
    if not printed:
        printed = [list(_spellings(c)) for c in re.findall(re.escape(marker) + r"([A-Za-z0-9_-]+)/", flat)]
    rows = {t.digest: t for t in MassToken.objects.filter(batch=batch)}
    out = []
    for spellings in printed:
        for spelling in spellings:
            row = rows.get(mass_tokens.token_digest(spelling))
            if row is not None:
                out.append((spelling, row))
                break
    return out


def _spellings(candidate: str):
    """``candidate`` as read, then with one hyphen taken out, then with one hyphen put in."""
    yield candidate
    for n, char in enumerate(candidate):
        if char == "-":
            yield candidate[:n] + candidate[n + 1 :]
    for n in range(len(candidate) + 1):
        yield candidate[:n] + "-" + candidate[n:]
