"""A step the services of 联系户, 恳谈会, 矛盾纠纷 and 群众工作站 share (validating and saving: common.history)."""

from django.core.exceptions import ValidationError

from orgs.models import Member, Org


def own_members(org: Org, members, *, field: str, message: str) -> list[Member]:
    """``members`` as a list when every one is a member of ``org``; else refuse at ``field`` with ``message``,
    which names (``%(name)s``) the first who is not."""
    members = list(members or [])
    wrong = [m for m in members if m.org_id != org.pk]
    if wrong:
        raise ValidationError({field: message % {"name": wrong[0].name}})
    return members
