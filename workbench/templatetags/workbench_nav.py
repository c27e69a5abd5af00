"""The navigation's three entries of this app, decided from the role assignments already loaded (no query)."""

from django import template

from .. import department
from .. import queries as q

register = template.Library()


@register.simple_tag(takes_context=True)
def workbench_nav(context) -> dict:
    """{"workbench": the user is secretary of a basic organization, "department": he is an organization department
    (组织部工作台), "me": the user has a member record}."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"workbench": False, "department": False, "me": False}
    return {
        "workbench": bool(q.secretary_orgs(user)),
        "department": bool(department.department_orgs(user)),
        "me": bool(user.member_id),
    }
