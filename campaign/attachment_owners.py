"""Who may read an attachment: the rules of the object it is attached to.

Attachments are stored and served by campaign (``campaign.views.attachments``), but other apps attach
files to their own models (awards: 事迹材料 of a nomination). Each owner model registers one check
``check(user, owner_pk) -> bool`` (raise Http404 outside the user's scope, return False for a role
that may not read it) — campaign registers its own below, higher apps from their ``AppConfig.ready()``.
An attachment whose owner model has no check is served to nobody.
"""

from collections.abc import Callable

_CHECKS: dict[type, Callable] = {}


def register(model: type, check: Callable) -> None:
    _CHECKS[model] = check


def check_for(model: type) -> Callable | None:
    return _CHECKS.get(model)
