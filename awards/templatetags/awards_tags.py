"""Template tags of the awards app, for pages of other apps that must not import awards.

``{% member_honours member as honours %}`` — the member's standing honours from basic organizations'
own commendations ("基层党组织也要采取适当方式对优秀共产党员进行表彰奖励", seed part 四.(二)), for the
member's record (orgs/templates/orgs/member_detail.html includes awards/_member_honours.html).
"""

from django import template

from ..queries_basic import cited_honours, member_honours

register = template.Library()


@register.simple_tag(name="member_honours")
def member_honours_tag(member):
    """The member's announced, not annulled awards, newest first (one query)."""
    if member is None or getattr(member, "pk", None) is None:
        return []
    return list(member_honours(member))


@register.simple_tag(name="cited_honours")
def cited_honours_tag(nomination):
    """The basic honours a nomination cites (one query; annulled ones included, marked by the page)."""
    if nomination is None or getattr(nomination, "pk", None) is None:
        return []
    return list(cited_honours(nomination))
