"""Steps the services of 联系户, 恳谈会, 矛盾纠纷 and 群众工作站 share."""

from django.core.exceptions import ValidationError

from common.history import save_as
from orgs.models import Member, Org


def clean(instance, *, exclude=()):
    """Model validation (ID-number refusal, telephone format, lengths …) with the errors keyed by field."""
    instance.full_clean(exclude=list(exclude), validate_unique=False, validate_constraints=False)


def save_checked(instance, *, by, exclude, update_fields=None):
    """Validate ``instance`` as its model does (``exclude``: the fields the service sets itself), then save it
    with ``by`` as its history's author (only ``update_fields`` when given)."""
    clean(instance, exclude=exclude)
    save_as(instance, by=by, update_fields=update_fields)
    return instance


def own_members(org: Org, members, *, field: str, message: str) -> list[Member]:
    """``members`` as a list when every one is a member of ``org``; else refuse at ``field`` with ``message``,
    which names (``%(name)s``) the first who is not."""
    members = list(members or [])
    wrong = [m for m in members if m.org_id != org.pk]
    if wrong:
        raise ValidationError({field: message % {"name": wrong[0].name}})
    return members
