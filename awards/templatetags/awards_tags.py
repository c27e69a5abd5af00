"""Template tags of the awards app.

(The member's honours on orgs' member page come through ``orgs.panels.member_panels``, registered in
``AwardsConfig.ready()``: orgs templates load no tag library of a higher app.)
"""

from django import template

from ..queries.basic import cited_honours

register = template.Library()


@register.simple_tag(name="cited_honours")
def cited_honours_tag(nomination):
    """The basic honours a nomination cites (one query; annulled ones included, marked by the page)."""
    if nomination is None or getattr(nomination, "pk", None) is None:
        return []
    return list(cited_honours(nomination))
