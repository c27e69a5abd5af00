"""The texts of the daily reminder digest: one inbox message, one e-mail and one SMS per recipient and day.

Each reminder (a milestone an organization has not done) is one *item*: a line of the inbox message and the
e-mail (organization, campaign, milestone, due date, days left or overdue, link), a short phrase of the SMS. The
digest gathers a recipient's items of the day in order (due date, campaign, milestone order, organization):

- title: the item's own title when there is one item ("提醒：“制定方案”还有7天到期"), otherwise the first item's
  milestone and how many ("提醒：“制定方案”等3项节点任务待办理");
- body: one line per item, then a closing sentence;
- SMS: all short phrases when the text fits ``SMS_MAX_CHARS`` (one 70-character SMS), otherwise the first two
  (or the first one) and the count ("等16项"), then "详见站内信" (the inbox message has the list and the links).

The same texts are written by PostgreSQL in one statement (campaign.services.reminders): every translated
sentence is made here, in Python, and split around a marker where SQL puts the organization's name or a count,
so both paths write the same words.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from ..models import Milestone

# One SMS: 70 characters (a message in Chinese, UCS-2); longer texts are cut to the first items and a count.
SMS_MAX_CHARS = 70
MARK = "\x00"


@dataclass(frozen=True)
class ItemText:
    """What one milestone says on ``today``, for any organization: the line split around the org's name."""

    milestone_id: int
    rank: int
    line_before: str
    line_after: str
    title: str  # the digest's title when this is its only item
    many_before: str  # the digest's title when this item comes first of n: many_before + n + many_after
    many_after: str
    short: str  # the SMS phrase
    url: str

    def line(self, org_name: str) -> str:
        return f"{self.line_before}{org_name}{self.line_after}"


def _status(milestone: Milestone, today: datetime.date) -> str:
    days = (milestone.due_date - today).days
    if days < 0:
        return _("已逾期%(days)d天") % {"days": -days}
    if days == 0:
        return _("今天到期")
    return _("还有%(days)d天到期") % {"days": days}


def _title(milestone: Milestone, today: datetime.date) -> str:
    values = {"milestone": milestone.name, "days": (milestone.due_date - today).days}
    if milestone.due_date < today:
        return _("逾期提醒：“%(milestone)s”已超过完成时限") % values
    if milestone.due_date == today:
        return _("到期提醒：“%(milestone)s”今天到期") % values
    return _("提醒：“%(milestone)s”还有%(days)d天到期") % values


def item_texts(milestones: list[Milestone], today: datetime.date) -> dict[int, ItemText]:
    """The texts of each milestone's items on ``today`` (milestones with their campaign), ranked in digest order."""
    ordered = sorted(milestones, key=lambda m: (m.due_date, m.campaign_id, m.order, m.pk))
    texts = {}
    for rank, milestone in enumerate(ordered):
        url = reverse("campaign:timeline_campaign", args=[milestone.campaign.code])
        values = {
            "org": MARK,
            "campaign": milestone.campaign.name,
            "milestone": milestone.name,
            "due": milestone.due_date.isoformat(),
            "status": _status(milestone, today),
            "url": settings.SITE_URL + url,  # the text is also the e-mail's: with the site's address when set
        }
        line = _(
            "%(org)s：%(campaign)s的节点任务“%(milestone)s”应于%(due)s前完成，%(status)s，目前尚未登记完成。链接：%(url)s"
        )
        many = _("提醒：“%(milestone)s”等%(n)s项节点任务待办理") % {"milestone": milestone.name, "n": MARK}
        line_before, line_after = (line % values).split(MARK)
        many_before, many_after = many.split(MARK)
        texts[milestone.pk] = ItemText(
            milestone_id=milestone.pk,
            rank=rank,
            line_before=line_before,
            line_after=line_after,
            title=_title(milestone, today),
            many_before=many_before,
            many_after=many_after,
            short=_("“%(milestone)s”%(status)s") % values,
            url=url,
        )
    return texts


def closing() -> str:
    """The body's last line, after the items."""
    return _("请抓紧办理，完成后及时登记。")


def sms_parts() -> tuple[str, str, str, str]:
    """(before the phrases, after them, before the count, after it) of the SMS text."""
    sms_before, sms_after = (_("节点任务提醒：%(items)s。详见站内信。") % {"items": MARK}).split(MARK)
    more_before, more_after = (_("等%(n)s项") % {"n": MARK}).split(MARK)
    return sms_before, sms_after, more_before, more_after


def digest(items: list[tuple[ItemText, str]]) -> tuple[str, str, str, str]:
    """(title, body, SMS text, url) of one recipient's digest; ``items``: (text, org name) in digest order."""
    first = items[0][0]
    n = len(items)
    title = first.title if n == 1 else f"{first.many_before}{n}{first.many_after}"
    body = "\n".join(text.line(org) for text, org in items) + "\n" + closing()
    sms_before, sms_after, more_before, more_after = sms_parts()
    shorts = [text.short for text, _org in items]
    more = f"{more_before}{n}{more_after}"
    full = f"{sms_before}{'、'.join(shorts)}{sms_after}"
    two = f"{sms_before}{'、'.join(shorts[:2])}{more}{sms_after}"
    one = f"{sms_before}{shorts[0]}{more}{sms_after}"
    if len(full) <= SMS_MAX_CHARS or n == 1:
        sms = full
    elif n > 2 and len(two) <= SMS_MAX_CHARS:
        sms = two
    else:
        sms = one
    return title, body, sms, first.url
